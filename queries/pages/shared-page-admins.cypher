// name: shared-page-admins
// title: Accounts that administer several pages
// category: pages
// tags: [pages, administration, facebook, seed-case]
// mode: read
// description: >
//   Accounts that administer at least $min_pages pages, with the pages they run and the
//   other accounts that co-administer those pages. Few accounts running many pages -
//   especially pages posing as news outlets - is how the Aug 2019 network ran 7 pages
//   with 5 fake accounts. Read one row per administrator: `news_like_pages` counts the
//   pages that pose as news outlets; `co_admins` lists who else runs the same pages.
// parameters:
//   min_pages: {type: int, default: 2, description: pages an account must administer}
// ---
// Neo4j Browser: set the parameters, then run the statement.
// :param min_pages => 2
MATCH (admin:Account)-[:ADMINISTERS]->(page:Page)
WITH admin, page ORDER BY page.name
WITH admin, collect(page) AS pages
WHERE size(pages) >= $min_pages
UNWIND pages AS page
OPTIONAL MATCH (other:Account)-[:ADMINISTERS]->(page)
WHERE other <> admin
WITH admin, pages, other ORDER BY other.handle
WITH admin, pages, collect(DISTINCT other.handle) AS co_admins
RETURN admin.uid AS admin_uid, admin.handle AS admin,
       size(pages) AS page_count,
       size([p IN pages WHERE p:NewsLike]) AS news_like_pages,
       [p IN pages | p.name] AS pages,
       co_admins
ORDER BY page_count DESC, admin
