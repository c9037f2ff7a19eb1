// name: detection-runs
// title: Detection runs, newest first
// category: clusters
// tags: [detection, runs]
// mode: read
// description: >
//   Every recorded detection run with its time, engine and how many clusters it found and
//   flagged. Queries about clusters read the newest run unless given $run_id; use this to
//   find older runs to compare.
// parameters: {}
// ---
// Neo4j Browser: no parameters; run the statement.
MATCH (r:DetectionRun)
OPTIONAL MATCH (k:Cluster)-[:FROM_RUN]->(r)
WITH r, count(k) AS clusters, count(CASE WHEN k.flagged THEN 1 END) AS flagged
RETURN r.id AS run_id, r.created_at AS created_at, r.engine AS engine, clusters, flagged
ORDER BY created_at DESC
