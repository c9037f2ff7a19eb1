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
MATCH (a:Account)
WHERE a.created_at IS NOT NULL
WITH date(a.created_at) AS day, a
WITH day, collect(a) AS accounts
WHERE size(accounts) >= $min_accounts
UNWIND accounts AS a
WITH day, accounts, a.created_at.hour AS hour, count(*) AS in_hour
WITH day, accounts, max(in_hour) AS busiest_hour_accounts
RETURN toString(day) AS day, size(accounts) AS created, busiest_hour_accounts,
       round(toFloat(size([x IN accounts WHERE x.handle =~ '.*[0-9]{4,}$'])) / size(accounts), 2)
         AS digit_handle_share,
       [x IN accounts | x.handle][..20] AS handles
ORDER BY created DESC, day
