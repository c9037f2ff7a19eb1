// name: evidence-between-accounts
// title: Everything that ties two accounts together
// category: evidence
// tags: [evidence, accounts]
// mode: read
// description: >
//   Every tie between $account_a and $account_b (a uid such as twitter:123 or a handle):
//   the same URL, the same reposted original, the same text, the same hashtag (one row per
//   object, with the closest pair of posts and their times), mentions of each other,
//   follows, pages they co-administer, groups they share, and coordination edges written
//   by detection. Read it as the case file for "why are these two linked?";
//   `gap_seconds` is how far apart the two posts were.
// parameters:
//   account_a: {type: string, required: true, description: uid or handle of the first account}
//   account_b: {type: string, required: true, description: uid or handle of the second account}
// ---
// Neo4j Browser: set the parameters, then run the statement.
// :params {account_a: 'twitter:123', account_b: 'twitter:456'}
MATCH (a:Account) WHERE a.uid = $account_a OR a.handle = $account_a
MATCH (b:Account) WHERE b.uid = $account_b OR b.handle = $account_b
CALL (a, b) {
  MATCH (a)-[:POSTED]->(p1:Post)-[:LINKS_TO]->(u:Url)<-[:LINKS_TO]-(p2:Post)<-[:POSTED]-(b)
  WITH u, p1, p2 ORDER BY abs(p1.ts - p2.ts)
  WITH u, collect([p1, p2])[0] AS pair
  RETURN 'same url' AS tie, u.url AS object, pair[0].uid AS post_a, pair[0].ts AS ts_a,
         pair[1].uid AS post_b, pair[1].ts AS ts_b
  UNION ALL
  MATCH (a)-[:POSTED]->(p1:Post)-[:REPOST_OF]->(o:Post)<-[:REPOST_OF]-(p2:Post)<-[:POSTED]-(b)
  WITH o, p1, p2 ORDER BY abs(p1.ts - p2.ts)
  WITH o, collect([p1, p2])[0] AS pair
  RETURN 'same repost' AS tie, o.uid AS object, pair[0].uid AS post_a, pair[0].ts AS ts_a,
         pair[1].uid AS post_b, pair[1].ts AS ts_b
  UNION ALL
  MATCH (a)-[:POSTED]->(p1:Post)
  WHERE p1.text IS NOT NULL AND coalesce(p1.is_repost, false) = false
  MATCH (b)-[:POSTED]->(p2:Post)
  WHERE toLower(trim(p1.text)) = toLower(trim(p2.text))
  WITH toLower(trim(p1.text)) AS text, p1, p2 ORDER BY abs(p1.ts - p2.ts)
  WITH text, collect([p1, p2])[0] AS pair
  RETURN 'same text' AS tie, text AS object, pair[0].uid AS post_a, pair[0].ts AS ts_a,
         pair[1].uid AS post_b, pair[1].ts AS ts_b
  UNION ALL
  MATCH (a)-[:POSTED]->(p1:Post)-[:TAGS]->(h:Hashtag)<-[:TAGS]-(p2:Post)<-[:POSTED]-(b)
  WITH h, p1, p2 ORDER BY abs(p1.ts - p2.ts)
  WITH h, collect([p1, p2])[0] AS pair
  RETURN 'same hashtag' AS tie, '#' + h.tag AS object, pair[0].uid AS post_a,
         pair[0].ts AS ts_a, pair[1].uid AS post_b, pair[1].ts AS ts_b
  UNION ALL
  MATCH (x:Account)-[:POSTED]->(p:Post)-[:MENTIONS]->(y:Account)
  WHERE (x = a AND y = b) OR (x = b AND y = a)
  RETURN 'mentions' AS tie, x.handle + ' mentions ' + y.handle AS object, p.uid AS post_a,
         p.ts AS ts_a, null AS post_b, null AS ts_b
  UNION ALL
  MATCH (x:Account)-[:FOLLOWS]->(y:Account)
  WHERE (x = a AND y = b) OR (x = b AND y = a)
  RETURN 'follows' AS tie, x.handle + ' follows ' + y.handle AS object, null AS post_a,
         null AS ts_a, null AS post_b, null AS ts_b
  UNION ALL
  MATCH (a)-[:ADMINISTERS]->(page:Page)<-[:ADMINISTERS]-(b)
  RETURN 'co-administer page' AS tie, page.name AS object, null AS post_a, null AS ts_a,
         null AS post_b, null AS ts_b
  UNION ALL
  MATCH (a)-[:MEMBER_OF]->(g:Group)<-[:MEMBER_OF]-(b)
  RETURN 'same group' AS tie, g.name AS object, null AS post_a, null AS ts_a,
         null AS post_b, null AS ts_b
  UNION ALL
  MATCH (a)-[c:COORDINATED_WITH]-(b)
  RETURN 'detected coordination' AS tie, 'run ' + c.run_id AS object, null AS post_a,
         null AS ts_a, null AS post_b, c.weight AS ts_b
}
RETURN tie, object, post_a,
       CASE WHEN ts_a IS NULL THEN null ELSE datetime({epochSeconds: ts_a}) END AS time_a,
       post_b,
       CASE WHEN ts_b IS NULL OR post_b IS NULL THEN null
            ELSE datetime({epochSeconds: ts_b}) END AS time_b,
       CASE WHEN ts_a IS NULL OR post_b IS NULL THEN null ELSE abs(ts_a - ts_b) END
         AS gap_seconds
ORDER BY tie, gap_seconds, object
