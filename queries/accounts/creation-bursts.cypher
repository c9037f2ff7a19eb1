// name: creation-bursts
// title: Many accounts created on the same day
// category: accounts
// tags: [accounts, creation, handles]
// mode: read
// description: >
//   Days on which at least $min_accounts accounts in the graph were created, with how
//   many were created within the busiest hour and the share whose handle ends in 4+
//   digits (the name+digits pattern of mass-registered accounts). Operations register
//   accounts in batches; organic sign-ups spread over years. One row per day.
// parameters:
//   min_accounts: {type: int, default: 3, description: accounts created that day}
// ---
// Neo4j Browser: set the parameters, then run the statement.
// :param min_accounts => 3
// one pass: counted per day and hour, then per day (no list of a day's accounts is kept)
MATCH (a:Account)
WHERE a.created_at IS NOT NULL
WITH date(a.created_at) AS day, a.created_at.hour AS hour, a.handle AS handle
WITH day, hour, count(*) AS in_hour,
     count(CASE WHEN handle =~ '.*[0-9]{4,}$' THEN 1 END) AS digit_handles,
     collect(handle)[..20] AS hour_handles
WITH day, sum(in_hour) AS created, max(in_hour) AS busiest_hour_accounts,
     sum(digit_handles) AS digit_handles, collect(hour_handles) AS by_hour
WHERE created >= $min_accounts
RETURN toString(day) AS day, created, busiest_hour_accounts,
       round(toFloat(digit_handles) / created, 2) AS digit_handle_share,
       reduce(hs = [], h IN by_hour | hs + h)[..20] AS handles
ORDER BY created DESC, day
