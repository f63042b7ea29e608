/**
 * ProxySQL's Group Replication monitor query for MySQL 8 (sysown/proxysql lib/MySQL_Monitor.cpp,
 * MYSQL_8_GR_QUERY), verbatim. One row about the member asked: whether it is a viable candidate
 * (ONLINE in a group whose members are not half unreachable), whether it is read-only, its applier
 * backlog, and the members it lists.
 */
export const PROXYSQL_MYSQL8_GR_QUERY =
  "SELECT (SELECT IF (MEMBER_STATE='ONLINE' AND ((SELECT COUNT(*) FROM performance_schema.replication_group_members WHERE MEMBER_STATE NOT IN ('ONLINE', 'RECOVERING')) >= ((SELECT COUNT(*) FROM performance_schema.replication_group_members)/2) = 0), 'YES', 'NO')) AS viable_candidate, (SELECT IF (@@read_only, 'YES', 'NO')) as read_only, COUNT_TRANSACTIONS_REMOTE_IN_APPLIER_QUEUE AS transactions_behind, (SELECT GROUP_CONCAT(CONCAT(member_host, ':', member_port)) FROM performance_schema.replication_group_members) AS members FROM performance_schema.replication_group_members JOIN performance_schema.replication_group_member_stats rgms USING(member_id) WHERE rgms.MEMBER_ID=@@SERVER_UUID";
