// name: graph-summary
// title: What is in the graph
// description: >
//   Node counts per label, to check a load before investigating. Each row is one label
//   with its node count, largest first.
// category: overview
// tags: [overview, sanity]
// mode: read
// parameters: {}
// ---
// Neo4j Browser: no parameters; run the statement.
MATCH (n)
UNWIND labels(n) AS label
RETURN label, count(*) AS nodes
ORDER BY nodes DESC, label
