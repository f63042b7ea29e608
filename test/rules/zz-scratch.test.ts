import { it } from 'vitest';
import { createSimulation } from '../../src/index.js';

function dump(sim: any, names: string[], v: any = 3) {
  for (const n of names) {
    for (const e of sim.member(n).logEvents(v)) console.log(n, (e.t/1e6).toFixed(3), e.level, e.code, e.message.slice(0, 130));
  }
}
it('explore7', () => {
  const sim = createSimulation({ seed: 1, members: ['node1','node2',{name:'node3', options: {group_replication_exit_state_action: 'OFFLINE_MODE', group_replication_autorejoin_tries: 2}}], mode: 'multi-primary' });
  sim.at('10s', (s) => s.network.isolate('node3'));
  sim.at('70s', (s) => s.network.heal('node3'));
  sim.runUntil('70s');
  const ok = sim.runUntil((s) => s.member('node3').logEvents().some(e => e.code === 'MY-011505'), { limit: '60s' });
  console.log('learned', ok, sim.nowUs);
  sim.network.isolate('node3');
  sim.runFor('700s');
  dump(sim, ['node3']);
  for (const e of sim.trace) if (e.type === 'flags' && e.member==='node3') console.log(JSON.stringify(e));
});
it('explore8', () => {
  const sim = createSimulation({ seed: 1, mode: 'single-primary', members: [
    {name:'a', uuid:'00000000-0000-0000-0000-00000000000c', options:{group_replication_member_weight: 70}},
    {name:'b', uuid:'00000000-0000-0000-0000-00000000000b', options:{group_replication_member_weight: 50}},
    {name:'c', uuid:'00000000-0000-0000-0000-00000000000a', options:{group_replication_member_weight: 50}},
  ]});
  for (const n of ['a','b','c']) console.log(n, JSON.stringify(sim.member(n).replicationGroupMembers().map(r=>r.MEMBER_ROLE)), sim.member(n).superReadOnly);
  sim.at('10s', (s) => s.network.isolate('a'));
  let r1: any, r2: any;
  sim.at('20s', (s) => { r1 = s.member('b').setAsPrimary('c'); });
  sim.runFor('40s');
  r2 = sim.member('b').setAsPrimary('c');
  console.log(r1, r2);
  dump(sim, ['b','c']);
  for (const n of ['b','c']) console.log(n, JSON.stringify(sim.member(n).replicationGroupMembers().map(r=>[r.MEMBER_ID.slice(-1), r.MEMBER_ROLE])));
});
it('explore10', () => {
  const sim = createSimulation({ seed: 1, members: ['node1','node2','node3'], mode: 'multi-primary', options: {group_replication_member_expel_timeout: 3600} });
  sim.at('10s', (s) => s.network.isolate('node3'));
  sim.at('20s', (s) => s.member('node1').set('group_replication_member_expel_timeout', 0));
  sim.runFor('40s');
  dump(sim, ['node1', 'node2']);
  console.log(sim.member('node1').suspicionCounters(), sim.member('node2').suspicionCounters());
});
