-- Analytics tables (co-occurrence, frequency, denominators, tone, incremental state) and the
-- macros their SQL shares, and the `cooccurrence` view. Created if missing; every statement
-- is idempotent. The other views over these tables live in sql/views/ and are (re)created by
-- cooccur.counts after each count.

-- one row per bucket × context × entity pair: how many contexts name both (entity_a <
-- entity_b, except context 'window_ordered' where entity_a comes first). Only n is stored:
-- the marginals, N and tone sums live in their own sum tables below, and the
-- `cooccurrence_rows` view at the end of this file joins them, so a count that adds
-- articles updates the n of the pairs they name and nothing else (sql/analytics/add_sums.sql)
create table if not exists cooccurrence_counts (
    bucket varchar not null,
    bucket_start date not null,
    context varchar not null,
    entity_a integer not null,
    entity_b integer not null,
    n bigint not null
);

-- one row per bucket × context: how many contexts (the N of every measure) and articles
create table if not exists bucket_totals (
    bucket varchar not null,
    bucket_start date not null,
    context varchar not null,
    n_contexts bigint not null,
    n_articles bigint not null
);

-- one row per bucket × context × entity: contexts naming the entity (n_a), never pruned
create table if not exists entity_marginals (
    bucket varchar not null,
    bucket_start date not null,
    context varchar not null,
    entity_id integer not null,
    n bigint not null
);

-- one row per bucket: the articles in it (the denominator of `share_of_articles`)
create table if not exists bucket_articles (
    bucket varchar not null,
    bucket_start date not null,
    n_articles bigint not null
);

-- one row per bucket × entity pair (entity_a < entity_b): sum and number of the tone scores
-- of the sentences naming both (tone_mean = tone_sum / tone_n), additive like the counts
create table if not exists pair_tone_sums (
    bucket varchar not null,
    bucket_start date not null,
    entity_a integer not null,
    entity_b integer not null,
    tone_sum decimal(18, 4) not null,
    tone_n bigint not null
);

-- one row per bucket × entity: articles and mentions naming it (the additive part of
-- `entity_frequency`)
create table if not exists entity_count_sums (
    bucket varchar not null,
    bucket_start date not null,
    entity_id integer not null,
    n_articles bigint not null,
    n_mentions bigint not null
);

-- one row per sentence naming two or more entities: VADER compound score in [-1, 1];
-- the span identifies the sentence version (a re-tag that moves it leaves a stale row)
create table if not exists sentence_tone (
    article_id varchar not null,
    sentence_id integer not null,
    start_char integer not null,
    end_char integer not null,
    compound decimal(5, 4) not null
);

-- one row per article whose mentions are in the analytics tables (incremental state)
create table if not exists counted_articles (
    article_id varchar primary key,
    published_at timestamp not null
);

-- one row per bucket: when it was last recomputed (feeds "what changed since the last run")
create table if not exists bucket_updates (
    bucket varchar not null,
    bucket_start date not null,
    updated_at timestamp not null
);

-- one row per analytics setting in force (buckets, contexts, window_k, min_support, …)
create table if not exists analytics_settings (
    key varchar primary key,
    value varchar not null
);

-- The first day of the bucket holding `ts`; ISO weeks start on Monday; 'all' is one bucket
-- keyed 1970-01-01.
create or replace macro bucket_start_of(bucket, ts) as
    case when bucket = 'all' then date '1970-01-01' else date_trunc(bucket, ts)::date end;

-- Consecutive buckets of one kind get consecutive integers (rolling windows, "previous").
create or replace macro bucket_ordinal(bucket, d) as
    case bucket
        when 'day' then (d - date '1970-01-01')
        when 'week' then (d - date '1970-01-05') // 7
        when 'month' then year(d) * 12 + month(d) - 1
        when 'quarter' then year(d) * 4 + quarter(d) - 1
        when 'year' then year(d)
        else 0
    end;

-- x·ln(x) with 0·ln 0 = 0 (terms of the log-likelihood ratio).
create or replace macro g_term(observed, expected) as
    case when observed > 0 then observed * ln(observed / expected) else 0.0 end;

-- erfc(x) for x ≥ 0 by W. J. Cody's rational Chebyshev approximations (Math. Comp. 23,
-- 1969, 631–638; the coefficients of his CALERF routine), about 1e-16 relative error:
-- DuckDB has no erf/erfc. Polynomials in Horner form; s = y² or 1/y².
create or replace macro erfc_small_s(y, s) as
    1.0 - y * ((((0.185777706184603153 * s + 3.16112374387056560) * s
                 + 113.864154151050156) * s + 377.485237685302021) * s
               + 3209.37758913846947)
            / ((((s + 23.6012909523441209) * s + 244.024637934444173) * s
                + 1282.61652607737228) * s + 2844.23683343917062);

-- exp(−y²) split as Cody does, so that rounding y² costs no accuracy
create or replace macro erfc_exp(y) as
    exp(-(trunc(y * 16.0) / 16.0) * (trunc(y * 16.0) / 16.0))
    * exp(-(y - trunc(y * 16.0) / 16.0) * (y + trunc(y * 16.0) / 16.0));

create or replace macro erfc_mid(y) as
    erfc_exp(y)
    * ((((((((2.15311535474403846e-8 * y + 0.564188496988670089) * y
             + 8.88314979438837594) * y + 66.1191906371416295) * y
           + 298.635138197400131) * y + 881.952221241769090) * y
         + 1712.04761263407058) * y + 2051.07837782607147) * y + 1230.33935479799725)
    / ((((((((y + 15.7449261107098347) * y + 117.693950891312499) * y
             + 537.181101862009858) * y + 1621.38957456669019) * y
           + 3290.79923573345963) * y + 4362.61909014324716) * y
         + 3439.36767414372164) * y + 1230.33935480374942);

create or replace macro erfc_tail_s(y, s) as
    erfc_exp(y)
    * (0.56418958354775628695
       - s * (((((0.0163153871373020978 * s + 0.305326634961232344) * s
                 + 0.360344899949804439) * s + 0.125781726111229246) * s
               + 0.0160837851487422766) * s + 6.58749161529837803e-4)
           / (((((s + 2.56852019228982242) * s + 1.87295284992346047) * s
                + 0.527905102951428412) * s + 0.0605183413124413191) * s
              + 0.00233520497626869185))
    / y;

create or replace macro erfc_cody(x) as
    case
        when x <= 0.46875 then erfc_small_s(x, x * x)
        when x <= 4.0 then erfc_mid(x)
        when x < 26.543 then erfc_tail_s(x, 1.0 / (x * x))
        else 0.0
    end;

-- Upper tail of the chi-square distribution with one degree of freedom.
create or replace macro chi2_sf_1df(g2) as erfc_cody(sqrt(greatest(g2, 0.0) / 2.0));

-- Association measures of a pair from its 2×2 table of contexts: n naming both, n_a naming
-- A, n_b naming B, N in all (k11 = n, k12 = n_a − n, k21 = n_b − n, k22 = N − n_a − n_b + n).
-- Formulas and references: README "Measures and views".
create or replace macro pmi_of(n, n_a, n_b, total) as
    ln(n::double * total / (n_a::double * n_b));

create or replace macro npmi_of(n, n_a, n_b, total) as
    case when n = total then 1.0 else pmi_of(n, n_a, n_b, total) / -ln(n::double / total) end;

create or replace macro llr_of(n, n_a, n_b, total) as
    2.0 * (g_term(n::double, n_a::double * n_b / total)
           + g_term((n_a - n)::double, n_a::double * (total - n_b) / total)
           + g_term((n_b - n)::double, (total - n_a)::double * n_b / total)
           + g_term((total - n_a - n_b + n)::double,
                    (total - n_a)::double * (total - n_b) / total));

-- The rows of a table shaped like `cooccurrence_counts` (named by `counts`) with the entity
-- names and kinds, every association measure and the mean tone: one definition for the
-- stored `cooccurrence` view and for counts made on demand. `llr` is a column of the inner
-- select because macros expand inline: `chi2_sf_1df(llr_of(…))` copied the llr expression
-- into every place the erfc macros use their argument, and planning that tree cost 0.25 s
-- on every query of the view.
create or replace macro with_measures(counts) as table
select c.bucket, c.bucket_start, c.context, c.entity_a, c.entity_b,
       ea.name as name_a, eb.name as name_b,
       c.n, c.n_a, c.n_b, c.n_contexts,
       pmi_of(c.n, c.n_a, c.n_b, c.n_contexts) as pmi,
       npmi_of(c.n, c.n_a, c.n_b, c.n_contexts) as npmi,
       c.n::double / (c.n_a + c.n_b - c.n) as jaccard,
       2.0 * c.n / (c.n_a + c.n_b) as dice,
       c.n::double / (c.n_a::double * c.n_b) as assoc_strength,
       c.n::double * c.n_contexts / (c.n_a::double * c.n_b) as lift,
       c.llr,
       chi2_sf_1df(c.llr) as llr_p,
       c.tone_sum::double / c.tone_n as tone_mean,
       c.tone_n::integer as tone_n,
       ea.kind as kind_a, eb.kind as kind_b,
       c.window_k
from (select *, llr_of(n, n_a, n_b, n_contexts) as llr from query_table(counts)) as c
join entities as ea on ea.entity_id = c.entity_a
join entities as eb on eb.entity_id = c.entity_b;

-- One row per bucket × entity: articles and mentions naming it (the stored sums) and its
-- share of the bucket's articles (volume-normalised, so busy months do not look like trends).
create or replace view entity_frequency as
select s.bucket, s.bucket_start, s.entity_id, e.name, e.kind, s.n_articles, s.n_mentions,
       s.n_articles / b.n_articles as share_of_articles
from entity_count_sums as s
join bucket_articles as b on b.bucket = s.bucket and b.bucket_start = s.bucket_start
join entities as e on e.entity_id = s.entity_id;

-- One row per bucket × context × entity pair: its count beside the marginals (n_a, n_b),
-- N (n_contexts) and tone sums of its bucket, joined from the sum tables as rows are read;
-- the shape `with_measures` takes.
create or replace view cooccurrence_rows as
select c.bucket, c.bucket_start, c.context, c.entity_a, c.entity_b, c.n,
       ma.n as n_a, mb.n as n_b, t.n_contexts,
       tone.tone_sum, tone.tone_n,
       case when c.context like 'window%' then k.window_k end as window_k
from cooccurrence_counts as c
join bucket_totals as t
  on t.bucket = c.bucket and t.bucket_start = c.bucket_start and t.context = c.context
join entity_marginals as ma
  on ma.bucket = c.bucket and ma.bucket_start = c.bucket_start and ma.context = c.context
 and ma.entity_id = c.entity_a
join entity_marginals as mb
  on mb.bucket = c.bucket and mb.bucket_start = c.bucket_start and mb.context = c.context
 and mb.entity_id = c.entity_b
left join pair_tone_sums as tone
  on tone.bucket = c.bucket and tone.bucket_start = c.bucket_start
 and tone.entity_a = least(c.entity_a, c.entity_b)
 and tone.entity_b = greatest(c.entity_a, c.entity_b)
cross join (select max(value) filter (where key = 'window_k')::integer as window_k
            from analytics_settings) as k;

-- One row per bucket × context × entity pair: counts, marginals, association measures and
-- tone, computed from the stored counts and sums as rows are read (storing only counts makes
-- a count that adds articles update integers, not a dozen derived columns).
create or replace view cooccurrence as
select * from with_measures('cooccurrence_rows');
