// name: copy-paste-text
// title: Identical text posted by several accounts
// category: coordination
// tags: [coordination, text]
// mode: read
// description: >
//   Texts (lower-cased, trimmed; reposts excluded) of at least $min_length characters
//   posted by at least $min_accounts different accounts. Copy-paste campaigns reuse a
//   script; organic users rarely write the same sentence. One row per text with the
//   accounts, the number of posts and how far apart the first and last were. Near-copies
//   (an emoji or a word changed) need `cibgraph detect` (MinHash), not this query.
// parameters:
//   min_accounts: {type: int, default: 3, description: different accounts that posted the text}
//   min_length: {type: int, default: 15, description: shortest text considered, in characters}
//   limit: {type: int, default: 100, description: rows to return}
// ---
// Neo4j Browser: set the parameters, then run the statement.
// :params {min_accounts: 3, min_length: 15, limit: 100}
MATCH (a:Account)-[:POSTED]->(p:Post)
WHERE p.text IS NOT NULL AND coalesce(p.is_repost, false) = false
  AND size(trim(p.text)) >= $min_length
WITH toLower(trim(p.text)) AS text, collect(DISTINCT a.handle) AS accounts,
     count(p) AS posts, min(p.ts) AS first_ts, max(p.ts) AS last_ts
WHERE size(accounts) >= $min_accounts
WITH text, accounts, posts, last_ts - first_ts AS spread_seconds
ORDER BY size(accounts) DESC, spread_seconds, text
LIMIT $limit
// the accounts in order, so every server lists the same 25
UNWIND accounts AS account
WITH text, accounts, posts, spread_seconds, account ORDER BY account
WITH text, size(accounts) AS account_count, collect(account)[..25] AS accounts, posts,
     spread_seconds
RETURN text, account_count, accounts, posts, spread_seconds
ORDER BY account_count DESC, spread_seconds, text
