// name: copy-paste-text
// title: Identical text posted by several accounts
// category: coordination
// tags: [coordination, text]
// mode: read
// description: >
//   Texts (lower-cased, trimmed; reposts excluded) of at least $min_length characters
//   posted by at least $min_accounts different accounts. Copy-paste campaigns reuse a
//   script; organic users rarely write the same sentence. One row per text with the
//   accounts, the number of posts and how far apart the first and last were. With a
//   detection run ($run_id) the texts posted by members of its flagged clusters come
//   first, tightest first (the shortest time between the first and last post), and
//   `flagged_accounts` counts those members (they lead the account list); with
//   $only_flagged the other texts are left out. Near-copies (an emoji or a word changed)
//   need `cibgraph detect` (MinHash), not this query.
// parameters:
//   min_accounts: {type: int, default: 3, description: different accounts that posted the text}
//   min_length: {type: int, default: 15, description: shortest text considered, in characters}
//   run_id: {type: string, description: "detection run whose flagged clusters' texts come first (default - none: every text by size)"}
//   only_flagged: {type: bool, default: false, description: "with run_id, only the texts its flagged clusters' members posted"}
//   limit: {type: int, default: 100, description: rows to return}
// ---
// Neo4j Browser: set the parameters, then run the statement.
// :params {min_accounts: 3, min_length: 15, run_id: null, only_flagged: false, limit: 100}
MATCH (a:Account)-[:POSTED]->(p:Post)
WHERE p.text IS NOT NULL AND coalesce(p.is_repost, false) = false
  AND size(trim(p.text)) >= $min_length
WITH toLower(trim(p.text)) AS text, collect(DISTINCT a) AS authors,
     count(p) AS posts, min(p.ts) AS first_ts, max(p.ts) AS last_ts
WHERE size(authors) >= $min_accounts
UNWIND authors AS author
// whether the author is a member of the run's flagged clusters (never without a run)
WITH text, posts, last_ts - first_ts AS spread_seconds, author,
     count { (author)-[:IN_CLUSTER]->(:Cluster {run_id: $run_id, flagged: true}) } > 0
       AS is_flagged
WITH text, posts, spread_seconds, count(author) AS account_count,
     sum(CASE WHEN is_flagged THEN 1 ELSE 0 END) AS flagged_accounts,
     collect({handle: author.handle, flagged: is_flagged}) AS accounts
WHERE NOT ($only_flagged AND flagged_accounts = 0)
WITH text, posts, spread_seconds, account_count, flagged_accounts, accounts
ORDER BY flagged_accounts > 0 DESC,
         CASE WHEN flagged_accounts > 0 THEN spread_seconds ELSE 0 END,
         account_count DESC, spread_seconds, text
LIMIT $limit
// the accounts in order (flagged clusters' members first), so every server lists the same 25
UNWIND accounts AS account
WITH text, account_count, flagged_accounts, posts, spread_seconds, account
ORDER BY account.flagged DESC, account.handle
WITH text, account_count, flagged_accounts, posts, spread_seconds,
     collect(account.handle)[..25] AS accounts
RETURN text, account_count, flagged_accounts, accounts, posts, spread_seconds
ORDER BY flagged_accounts > 0 DESC,
         CASE WHEN flagged_accounts > 0 THEN spread_seconds ELSE 0 END,
         account_count DESC, spread_seconds, text
