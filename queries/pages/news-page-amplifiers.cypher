// name: news-page-amplifiers
// title: News-like pages - who runs them, who amplifies them, how fast
// category: pages
// tags: [pages, amplification, timing, seed-case]
// mode: read
// description: >
//   For every NewsLike page: its administrators, and each account that shared one of the
//   page's own links within $max_delay_seconds of the page publishing it. Read one row per
//   (page, amplifier): `shares` is how many of the page's links the account pushed,
//   `fastest_seconds` / `mean_delay_seconds` how soon after publication. Dozens of
//   accounts sharing within seconds, every time, is amplification, not readership.
// parameters:
//   max_delay_seconds: {type: int, default: 3600, description: longest delay after the page's post that counts}
// ---
// Neo4j Browser: set the parameters, then run the statement.
// :param max_delay_seconds => 3600
MATCH (page:NewsLike)<-[:POSTED_IN]-(own:Post)-[:LINKS_TO]->(url:Url)
WITH page, url, min(own.ts) AS published
MATCH (url)<-[:LINKS_TO]-(share:Post)<-[:POSTED]-(account:Account)
WHERE share.ts >= published AND share.ts - published <= $max_delay_seconds
WITH page, account, count(DISTINCT url) AS shares,
     min(share.ts - published) AS fastest_seconds,
     avg(share.ts - published) AS mean_delay_seconds
OPTIONAL MATCH (admin:Account)-[:ADMINISTERS]->(page)
WITH page, account, shares, fastest_seconds, mean_delay_seconds, admin ORDER BY admin.handle
WITH page, account, shares, fastest_seconds, mean_delay_seconds,
     collect(DISTINCT admin.handle) AS admins
RETURN page.name AS page, admins, account.handle AS amplifier, account.uid AS amplifier_uid,
       shares, fastest_seconds, round(mean_delay_seconds, 1) AS mean_delay_seconds
ORDER BY page, shares DESC, fastest_seconds, amplifier
