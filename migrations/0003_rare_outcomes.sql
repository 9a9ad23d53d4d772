-- cotscope workspace schema, version 3: small indexes for the rare outcomes.
--
-- Score disagreements and format errors are the minority an analyst goes looking for. Counting them (the list's
-- total) read the whole outcome index: at 1M responses about 40 ms. These partial indexes hold only those responses,
-- so they cost almost nothing to keep up during an import, and the list's boolean filters are written as literals
-- (0/1) so SQLite can see that a query's condition implies an index's WHERE.
CREATE INDEX responses_disagreement ON responses(format_ok, correct) WHERE score_disagreement = 1;
CREATE INDEX responses_format_error ON responses(score_disagreement, correct) WHERE format_ok = 0;
