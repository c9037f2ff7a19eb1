// name: flagged-cluster-amplification
// title: Domains and pages amplified by flagged clusters
// category: clusters
// tags: [detection, clusters, pages, domains, seed-case]
// mode: read
// description: >
//   For each flagged cluster of the newest run (or $run_id): the domains its members link
//   to, how often, and which pages publish on those domains. A flagged cluster that keeps
//   pushing the domains of pages posing as news outlets ties the accounts to the fake
//   outlets. One row per (cluster, domain).
// parameters:
//   run_id: {type: string, description: detection run id (default - the newest run)}
//   min_shares: {type: int, default: 1, description: links to the domain by the cluster's members}
// ---
// Neo4j Browser: set the parameters, then run the statement.
// :params {run_id: null, min_shares: 1}
MATCH (r:DetectionRun)
WHERE $run_id IS NULL OR r.id = $run_id
WITH r ORDER BY r.created_at DESC LIMIT 1
MATCH (k:Cluster)-[:FROM_RUN]->(r)
WHERE k.flagged
MATCH (m)-[:IN_CLUSTER]->(k)
MATCH (m)-[:POSTED]->(:Post)-[:LINKS_TO]->(:Url)-[:ON_DOMAIN]->(d:Domain)
WITH k, d, count(*) AS shares
WHERE shares >= $min_shares
OPTIONAL MATCH (d)<-[:ON_DOMAIN]-(:Url)<-[:LINKS_TO]-(:Post)-[:POSTED_IN]->(page:Page)
WITH k, d, shares, collect(DISTINCT page) AS pages
RETURN k.id AS cluster, k.score AS score, d.name AS domain, shares,
       [p IN pages | p.name] AS pages_on_domain,
       size([p IN pages WHERE p:NewsLike]) AS news_like_pages
ORDER BY cluster, shares DESC, domain
