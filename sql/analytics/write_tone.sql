-- Stores one batch of sentence tone scores. Input: batch_tone(article_id, sentence_id,
-- start_char, end_char, compound).
insert into sentence_tone
select article_id, sentence_id, start_char, end_char, round(compound, 4)::decimal(5, 4)
from batch_tone;
