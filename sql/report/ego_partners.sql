-- One row per partner of entity $x, the $limit strongest by the measure ($measure) over all
-- time among pairs named together in at least $min_n articles.
select case when entity_a = $x then entity_b else entity_a end as partner_id,
       case when entity_a = $x then name_b else name_a end as partner,
       n, columns(lambda c: c = $measure) as value
from report_cooccurrence
where bucket = 'all' and context = 'document' and n >= $min_n
  and (entity_a = $x or entity_b = $x)
order by value desc nulls last, n desc, partner
limit $limit;
