// name: reciprocal-follow-rings
// title: Accounts in reciprocal follow rings
// category: accounts
// tags: [accounts, follows]
// mode: read
// description: >
//   Accounts with at least $min_mutual mutual follows (each follows the other), and how
//   many of those mutual partners also follow each other (closed triangles). Fake
//   networks follow each other in rings to look established. One row per account.
// parameters:
//   min_mutual: {type: int, default: 2, description: mutual follows an account must have}
// ---
// Neo4j Browser: set the parameters, then run the statement.
// :param min_mutual => 2
MATCH (a:Account)-[:FOLLOWS]->(b:Account)-[:FOLLOWS]->(a)
WITH a, b ORDER BY b.handle
WITH a, collect(DISTINCT b) AS mutuals
WHERE size(mutuals) >= $min_mutual
OPTIONAL MATCH (x:Account)-[:FOLLOWS]->(y:Account)-[:FOLLOWS]->(x)
WHERE x IN mutuals AND y IN mutuals AND x <> y
WITH a, mutuals, count(DISTINCT x) AS mutuals_in_triangles
RETURN a.handle AS account, a.uid AS uid, size(mutuals) AS mutual_follows,
       mutuals_in_triangles, [m IN mutuals | m.handle] AS mutuals
ORDER BY mutual_follows DESC, account
