/**
 * The exact statements real tools send to a Group Replication member, quoted from their sources:
 * shared by the engine's tests (test/serve-sql, execute() directly) and the end-to-end tests over
 * TCP (test/serve).
 */

// ProxySQL's MySQL 8 monitor query lives with the worked example's service, which sends it.
export { PROXYSQL_MYSQL8_GR_QUERY } from '../../examples/failover-service/proxysql-monitor-query.js';

/** The same query as older ProxySQL releases build it: string-concatenated lines, ":" in double quotes. */
export const PROXYSQL_OLDER_SPELLING =
  'SELECT (SELECT IF (' +
  "MEMBER_STATE='ONLINE' AND (" +
  "(SELECT COUNT(*) FROM performance_schema.replication_group_members WHERE MEMBER_STATE NOT IN ('ONLINE', 'RECOVERING')) >=" +
  ' ((SELECT COUNT(*) FROM performance_schema.replication_group_members)/2) = 0)' +
  ", 'YES', 'NO')) AS viable_candidate," +
  " (SELECT IF (@@read_only, 'YES', 'NO')) as read_only," +
  ' COUNT_TRANSACTIONS_REMOTE_IN_APPLIER_QUEUE AS transactions_behind, ' +
  ' (SELECT GROUP_CONCAT(CONCAT(member_host, ":", member_port)) FROM performance_schema.replication_group_members) AS members ' +
  'FROM ' +
  'performance_schema.replication_group_members ' +
  'JOIN performance_schema.replication_group_member_stats rgms USING(member_id) ' +
  'WHERE rgms.MEMBER_ID=@@SERVER_UUID';

/** MySQL Router's metadata session setup (mysql-server router/src/router/src/cluster_metadata.cc, setup_metadata_session). */
export const ROUTER_SESSION_SETUP = [
  "SET @@SESSION.autocommit=1, @@SESSION.character_set_client=utf8, @@SESSION.character_set_results=utf8, @@SESSION.character_set_connection=utf8, @@SESSION.sql_mode='ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION', @@SESSION.optimizer_switch='derived_merge=on'",
  "SET @@SESSION.group_replication_consistency='EVENTUAL'",
];

/** Router's GR status query for servers with member_role (router/src/metadata_cache/src/group_replication_metadata.cc, fetch_group_replication_members). */
export const ROUTER_GR_MEMBERS =
  "SELECT member_id, member_host, member_port, member_state, member_role, @@group_replication_single_primary_mode FROM performance_schema.replication_group_members WHERE channel_name = 'group_replication_applier'";

/** Router's metadata refresh, in its order (cluster_metadata.cc and metadata_cache/src/cluster_metadata_gr.cc). */
export const ROUTER_METADATA_REFRESH = {
  schemaVersion: 'SELECT * FROM mysql_innodb_cluster_metadata.schema_version',
  clusterType: 'select cluster_type from mysql_innodb_cluster_metadata.v2_this_instance',
  online: 'SELECT member_state FROM performance_schema.replication_group_members WHERE CAST(member_id AS char ascii) = CAST(@@server_uuid AS char ascii)',
  quorum: "SELECT SUM(IF(member_state = 'ONLINE', 1, 0)) as num_onlines, COUNT(*) as num_total FROM performance_schema.replication_group_members",
  instances: "select C.cluster_id, C.cluster_name, I.mysql_server_uuid, I.endpoint, I.xendpoint, I.attributes from mysql_innodb_cluster_metadata.v2_instances I join mysql_innodb_cluster_metadata.v2_gr_clusters C on I.cluster_id = C.cluster_id where C.cluster_name = 'grsim'",
  groupName: 'select @@group_replication_group_name',
};

/** MySQL Shell's member listing (mysqlshdk/libs/mysql/group_replication.cc, get_members). */
export const SHELL_GET_MEMBERS =
  'SELECT member_id, member_state, member_host, member_port, member_role, member_version, @@group_replication_single_primary_mode FROM performance_schema.replication_group_members';
