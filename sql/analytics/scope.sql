-- The articles, buckets, context groups and mentions one count works on.
-- scope_articles: one row per article in a touched bucket, numbered (integer keys make the
-- joins fast), and scope_texts its title and text; scope_buckets: one row per such article
-- × bucket kind whose bucket is touched (scope_picked: the articles picked, numbered);
-- scope_groups: one row per bucket × context kind (grp, the unit of every later step);
-- scope_mentions: one row per mention of an article in scope; scope_article_entities: one
-- row per article × entity it names.
-- Inputs: touched_buckets, changed_articles, theme_sentences, focus_entities;
-- $only_changed (only the articles not counted yet, whose counts are added to the stored
-- sums), $source (format or path glob, null for all), $theme_filter, $focus, $kinds (entity
-- kinds, null for all), $contexts.

create or replace temp table scope_picked as
select row_number() over ()::integer as article_no, a.article_id, a.published_at
from articles as a
-- tagged articles, or only those tagged since the last count (the few changed_articles,
-- instead of a semi join with every tagged article)
where a.article_id in (select article_id from tagged_articles
                       where not $only_changed::boolean
                       union all
                       select article_id from changed_articles
                       where $only_changed::boolean and tagged)
  and ($source::varchar is null
       or a.source = $source::varchar or a.source_path glob $source::varchar)
  and (not $theme_filter::boolean
       or a.article_id in (select article_id from theme_sentences));

-- each article's bucket of each kind, kept if touched: the bucket start is computed before
-- the join, so that it is a hash join on (bucket, bucket_start) and not a nested loop
-- evaluating bucket_start_of for every article × touched bucket
create or replace temp table scope_buckets as
select b.article_no, b.bucket, b.bucket_start
from (select p.article_no, k.bucket, bucket_start_of(k.bucket, p.published_at) as bucket_start
      from scope_picked as p
      cross join (select distinct bucket from touched_buckets) as k) as b
semi join touched_buckets as t using (bucket, bucket_start);

-- article numbers are arbitrary (every count is a sum over articles): numbering without
-- sorting a million ids, and no join on the id to find the buckets
create or replace temp table scope_articles as
select article_no, article_id
from scope_picked
where article_no in (select article_no from scope_buckets);

-- titles and texts, read from `articles` only by the contexts that need them (window,
-- paragraph): copying a million texts would cost more than the rest of the count
create or replace temp view scope_texts as
select s.article_no, a.title, a.text
from scope_articles as s
join articles as a using (article_id);

create or replace temp table scope_groups as
select row_number() over (order by b.bucket, b.bucket_start, c.context)::integer as grp,
       b.bucket, b.bucket_start, c.context
from (select distinct bucket, bucket_start from scope_buckets) as b
cross join (select unnest($contexts::varchar[]) as context) as c;

create or replace temp table scope_mentions as
select a.article_no, m.entity_id, m.sentence_id, m.start_char
from mentions as m
join scope_articles as a using (article_id)
join entities as e using (entity_id)
where ($kinds::varchar[] is null or list_contains($kinds::varchar[], e.kind))
  and (not $focus::boolean
       or exists (select 1 from focus_entities as f
                  where f.article_id = m.article_id and f.entity_id = m.entity_id));

-- one row per article in scope × entity it names, with its mentions: documents' units and
-- the entity counts read it (one aggregation of the mentions instead of two)
create or replace temp table scope_article_entities as
select article_no, entity_id, count(*) as n_mentions
from scope_mentions
group by all;

create or replace temp table unit_entities (grp integer, unit bigint, entity_id integer);
create or replace temp table group_totals (grp integer, n_contexts bigint);
create or replace temp table group_marginals (grp integer, entity_id integer, n bigint);
create or replace temp table pair_counts (grp integer, entity_a integer, entity_b integer, n integer);
