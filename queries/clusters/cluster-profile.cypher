// name: cluster-profile
// title: Profile of a detected cluster
// category: clusters
// tags: [detection, clusters, evidence]
// mode: read
// description: >
//   One detected cluster (id like r2:0, or its index in the run; default - the highest
//   scoring cluster of the newest run): its members, the domains, URLs and hashtags they
//   push most, the pages it runs or amplifies, and its activity per day. Read it as the
//   summary of "what does this group do".
// parameters:
//   cluster: {type: string, description: cluster id or index (default - the top cluster)}
//   run_id: {type: string, description: detection run id (default - the newest run)}
//   top: {type: int, default: 5, description: how many domains, URLs and hashtags to list}
// ---
// Neo4j Browser: set the parameters, then run the statement.
// :params {cluster: null, run_id: null, top: 5}
MATCH (r:DetectionRun)
WHERE $run_id IS NULL OR r.id = $run_id
WITH r ORDER BY r.created_at DESC LIMIT 1
MATCH (k:Cluster)-[:FROM_RUN]->(r)
WHERE $cluster IS NULL OR k.id = $cluster OR toString(k.index) = $cluster
WITH k ORDER BY k.score DESC LIMIT 1
MATCH (m)-[:IN_CLUSTER]->(k)
WITH k, m ORDER BY coalesce(m.handle, m.name, m.uid)
WITH k, collect(m) AS members
CALL (members) {
  UNWIND members AS m
  MATCH (m)-[:POSTED]->(:Post)-[:LINKS_TO]->(:Url)-[:ON_DOMAIN]->(d:Domain)
  WITH d, count(*) AS shares ORDER BY shares DESC, d.name LIMIT $top
  RETURN collect({domain: d.name, shares: shares}) AS top_domains
}
CALL (members) {
  UNWIND members AS m
  MATCH (m)-[:POSTED]->(:Post)-[:LINKS_TO]->(u:Url)
  WITH u, count(*) AS shares ORDER BY shares DESC, u.url LIMIT $top
  RETURN collect({url: u.url, shares: shares}) AS top_urls
}
CALL (members) {
  UNWIND members AS m
  MATCH (m)-[:POSTED]->(:Post)-[:TAGS]->(h:Hashtag)
  WITH h, count(*) AS uses ORDER BY uses DESC, h.tag LIMIT $top
  RETURN collect({hashtag: '#' + h.tag, uses: uses}) AS top_hashtags
}
CALL (k) {
  MATCH (k)-[link:RUNS|AMPLIFIES]->(page:Page)
  WITH page, type(link) AS link ORDER BY link DESC, page.name
  RETURN collect({page: page.name, link: link}) AS pages
}
CALL (members) {
  UNWIND members AS m
  MATCH (m)-[:POSTED]->(p:Post)
  WITH toString(date(p.created_at)) AS day, count(*) AS posts ORDER BY day
  RETURN collect({day: day, posts: posts}) AS activity
}
RETURN k.id AS cluster, k.score AS score, k.flagged AS flagged, k.explanation AS explanation,
       size(members) AS size, [m IN members | coalesce(m.handle, m.name, m.uid)] AS members,
       top_domains, top_urls, top_hashtags, pages, activity
