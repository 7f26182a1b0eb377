-- One row per theme: sentences tagged with it, most frequent first (for the theme list).
select theme, count(*) as n_sentences
from report_themes
group by theme
order by n_sentences desc, theme;
