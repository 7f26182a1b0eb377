-- An empty pair_tone: tone is switched off, so tone_mean and tone_n stay null.
create or replace temp table pair_tone (
    bucket varchar, bucket_start date, entity_a integer, entity_b integer,
    tone_sum decimal(18, 4), tone_n bigint
);
