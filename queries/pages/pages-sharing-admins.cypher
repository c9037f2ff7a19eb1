// name: pages-sharing-admins
// title: Pages that share administrators
// category: pages
// tags: [pages, administration, facebook, seed-case]
// mode: read
// description: >
//   Pairs of pages run by at least $min_shared of the same accounts. Independent outlets
//   rarely share administrators; a web of news-looking pages tied by common admins is a
//   single operation. One row per pair of pages with the shared admins and whether each
//   page poses as a news outlet.
// parameters:
//   min_shared: {type: int, default: 1, description: administrators the two pages must share}
// ---
// Neo4j Browser: set the parameters, then run the statement.
// :param min_shared => 1
MATCH (a:Page)<-[:ADMINISTERS]-(admin:Account)-[:ADMINISTERS]->(b:Page)
WHERE a.uid < b.uid
WITH a, b, collect(DISTINCT admin.handle) AS shared_admins
WHERE size(shared_admins) >= $min_shared
RETURN a.name AS page_a, b.name AS page_b, size(shared_admins) AS shared,
       shared_admins, a:NewsLike AS a_news_like, b:NewsLike AS b_news_like
ORDER BY shared DESC, page_a, page_b
