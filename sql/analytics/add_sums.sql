-- Adds the count in progress, which covered only articles not counted before, to the stored
-- sums: every stored number is a sum over articles (contexts never span two articles), so
-- adding the new articles' part equals recounting their buckets. Used only when every
-- pair is kept (min_support 1: pruning is not additive). Only the rows the new articles
-- name change. Inputs: delta_* (count_deltas.sql), pair_tone, group_articles,
-- group_entities.

merge into cooccurrence_counts as r
using delta_cooccurrence_counts as d
on r.bucket = d.bucket and r.bucket_start = d.bucket_start and r.context = d.context
   and r.entity_a = d.entity_a and r.entity_b = d.entity_b
when matched then update set n = r.n + d.n
when not matched then insert by name;

merge into bucket_totals as r
using delta_bucket_totals as d
on r.bucket = d.bucket and r.bucket_start = d.bucket_start and r.context = d.context
when matched then update set n_contexts = r.n_contexts + d.n_contexts,
                             n_articles = r.n_articles + d.n_articles
when not matched then insert by name;

merge into entity_marginals as r
using delta_entity_marginals as d
on r.bucket = d.bucket and r.bucket_start = d.bucket_start and r.context = d.context
   and r.entity_id = d.entity_id
when matched then update set n = r.n + d.n
when not matched then insert by name;

merge into pair_tone_sums as r
using pair_tone as d
on r.bucket = d.bucket and r.bucket_start = d.bucket_start
   and r.entity_a = d.entity_a and r.entity_b = d.entity_b
when matched then update set tone_sum = r.tone_sum + d.tone_sum, tone_n = r.tone_n + d.tone_n
when not matched then insert by name;

merge into bucket_articles as r
using group_articles as d
on r.bucket = d.bucket and r.bucket_start = d.bucket_start
when matched then update set n_articles = r.n_articles + d.n_articles
when not matched then insert by name;

merge into entity_count_sums as r
using group_entities as d
on r.bucket = d.bucket and r.bucket_start = d.bucket_start and r.entity_id = d.entity_id
when matched then update set n_articles = r.n_articles + d.n_articles,
                             n_mentions = r.n_mentions + d.n_mentions
when not matched then insert by name;
