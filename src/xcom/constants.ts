/**
 * XCom and GCS constants, each named as MySQL names it, in microseconds (docs/mysql-behaviour.md; MySQL 8.0.39/8.0.41, unchanged in 9.7).
 */

/** alive_task period (xcom/xcom_detector.cc alive_task: TASK_DELAY(1.0)). */
export const ALIVE_TASK_PERIOD_US = 1_000_000;
/** detector_task period (xcom/xcom_detector.cc detector_task: TIMED_TASK_WAIT(&detector_wait, 1.0)). */
export const DETECTOR_TASK_PERIOD_US = 1_000_000;
/** A node counts as alive while heard from within this (xcom/xcom_detector.h DETECTOR_LIVE_TIMEOUT). */
export const DETECTOR_LIVE_TIMEOUT_US = 5_000_000;
/** "May be dead" threshold for pings and leader choice (xcom/xcom_detector.cc MAX_SILENT). */
export const MAX_SILENT_US = 4_000_000;
/** Window for counting are_you_alive pings (xcom/xcom_base.cc PING_GATHERING_TIME_WINDOW). */
export const PING_GATHERING_TIME_WINDOW_US = 5_000_000;
/** Pings within the window that shut the outgoing connection (xcom_base.cc PINGS_GATHERED_BEFORE_CONNECTION_SHUTDOWN). */
export const PINGS_GATHERED_BEFORE_CONNECTION_SHUTDOWN = 3;
/** Closes an outgoing connection with no successful send for this long (xcom_transport.cc tcp_reaper_task). */
export const TCP_REAPER_IDLE_US = 10_000_000;
/** Connect timeout (xcom_transport.cc open_new_connection → timed_connect_msec(1000)). */
export const CONNECT_TIMEOUT_US = 1_000_000;
/** First wait after a failed dial (xcom_transport.h INITIAL_CONNECT_WAIT). */
export const INITIAL_CONNECT_WAIT_US = 100_000;
/** Added to the wait after every failed dial from 8.0.27 (xcom_transport.h CONNECT_WAIT_INCREASE 1.0, `dtime +=` in xcom_transport.cc sender_task). */
export const CONNECT_WAIT_INCREASE_US = 1_000_000;
/** Cap of the dial back-off from 8.0.27 (xcom_transport.h MAX_CONNECT_WAIT 10.0). */
export const MAX_CONNECT_WAIT_US = 10_000_000;
/** Factor of the wait after every failed dial up to 8.0.26 (xcom_transport.h CONNECT_WAIT_INCREASE 1.1, `dtime *=` in xcom_transport.cc sender_task). */
export const CONNECT_WAIT_FACTOR_UP_TO_8_0_26 = 1.1;
/** Cap of the dial back-off up to 8.0.26 (xcom_transport.h MAX_CONNECT_WAIT 1.0). */
export const MAX_CONNECT_WAIT_UP_TO_8_0_26_US = 1_000_000;
/** Protocol negotiation polls every 0.1 s after connecting (xcom_transport.cc sender_task). */
export const NEGOTIATION_POLL_US = 100_000;
/** Delay between reaching the exit synode and exiting (libmysqlgcs/cmake/gcs_profile.in TERMINATE_DELAY). */
export const TERMINATE_DELAY_US = 3_000_000;
/** Default event horizon in msgnos (gcs_profile.in EVENT_HORIZON_MIN). */
export const EVENT_HORIZON_MIN = 10;
/**
 * Cap of the executor's read back-off from 8.0.27 (xcom_base.cc wakeup_delay, maximum_threshold:
 * 20 s, random 10–20 s above it). Before, see EXECUTOR_MAX_WAIT_DIVIDED_US.
 */
export const EXECUTOR_MAX_WAIT_US = 20_000_000;
/**
 * Cap of the executor's read back-off up to 8.0.26 (xcom_base.cc wakeup_delay: a wait above 3 s is
 * divided by EXECUTOR_WAIT_DIVISOR until it is 3 s or less; no random draw).
 */
export const EXECUTOR_MAX_WAIT_DIVIDED_US = 3_000_000;
/** The divisor of that rule (xcom_base.cc wakeup_delay up to 8.0.26: `retval /= 1.31415926`). */
export const EXECUTOR_WAIT_DIVISOR = 1.31415926;
/**
 * Up to 8.0.26 wakeup_delay takes a median consensus time of 0 or above 0.3 s as 0.1 s
 * (xcom_base.cc); from 8.0.27 one above maximum_threshold / 5 = 4 s counts as 2 s.
 */
export const EXECUTOR_MEDIAN_LIMIT_DIVIDED_US = 300_000;
/** Base of the executor's first read wait (xcom_base.cc wakeup_delay: 0.1 + 5·m + m·rand; also the fallback median up to 8.0.26). */
export const EXECUTOR_BASE_WAIT_US = 100_000;

/** Suspicion-processing thread period (gcs_xcom_control_interface.cc SUSPICION_PROCESSING_THREAD_PERIOD). */
export const SUSPICION_PROCESSING_THREAD_PERIOD_US = 15_000_000;
/** Expel timeout for non-member suspects (gcs_xcom_control_interface.cc NON_MEMBER_EXPEL_TIMEOUT). */
export const NON_MEMBER_EXPEL_TIMEOUT_US = 60_000_000;
/** GCS waits this long for XCom to exit on leave (gcs_xcom_proxy.cc WAITING_TIME). */
export const XCOM_EXIT_WAIT_US = 30_000_000;

/** Wait between auto-rejoin attempts (include/plugin_variables.h rejoin_timeout). */
export const REJOIN_TIMEOUT_US = 300_000_000;
/** Wait for a view change on join or leave (include/plugin_constants.h VIEW_MODIFICATION_TIMEOUT). */
export const VIEW_MODIFICATION_TIMEOUT_US = 60_000_000;
/** Wait for the view a SET group_replication_force_members installs (include/plugin_constants.h FORCE_MEMBERS_VIEW_MODIFICATION_TIMEOUT). */
export const FORCE_MEMBERS_VIEW_MODIFICATION_TIMEOUT_US = 120_000_000;
/** Sleep between START join retries (src/plugin.cc build_gcs_parameters join_sleep_time = 5 s). */
export const START_JOIN_SLEEP_US = 5_000_000;
/** Join retries of a manual START / start_on_boot (src/plugin.cc build_gcs_parameters join_attempts = 10). */
export const START_JOIN_ATTEMPTS = 10;
/** Passes over the seeds when joining (gcs_xcom_control_interface.h CONNECTION_ATTEMPTS). */
export const CONNECTION_ATTEMPTS = 10;
/** Majority-timeout countdown slice (src/plugin_handlers/group_partition_handling.cc: 2 s, 1 s if 1 s remains). */
export const PARTITION_HANDLER_SLICE_US = 2_000_000;

/** Protected msgnos below the lowest delivered msgno of the live nodes (xcom/xcom_cache.cc MIN_CACHED). */
export const MIN_CACHED = 10;
/** cache_manager_task period: an eviction pass every 0.1 s (xcom/xcom_cache.cc cache_manager_task: TASK_DELAY(0.1)). */
export const CACHE_MANAGER_TASK_PERIOD_US = 100_000;
/** Most slots one shrink_cache call frees: size_decrement + 1 = INCREMENT / 10 + 1 (xcom/xcom_cache.cc shrink_cache). */
export const SHRINK_CACHE_MAX_SLOTS = 25_001;
/** sizeof(pax_msg), counted once per cached message object (xcom/xcom_cache.cc get_app_msg_size; x86-64, 8.0.39). */
export const SIZEOF_PAX_MSG = 200;
/** sizeof(app_data), counted once per message in a slot (xcom/app_data.cc app_data_size; x86-64, 8.0.39). */
export const SIZEOF_APP_DATA = 176;
/** sizeof(bool_t): bytes per node of a view_msg's node set (xcom/app_data.cc node_set_size). */
export const SIZEOF_NODE_SET_ENTRY = 4;
/** Proposer tasks per node (libmysqlgcs/cmake/gcs_profile.in PROPOSERS). */
export const PROPOSERS = 10;
/** Most app_data one batched Paxos instance carries (libmysqlgcs/cmake/gcs_profile.in MAX_BATCH_APP_DATA; xcom/xcom_base.cc batches up to it, AUTOBATCH). */
export const MAX_BATCH_APP_DATA = 5000;
