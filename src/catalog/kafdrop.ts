import type { ComponentDef } from './types.js';
import { name, opt } from '../spec/fields.js';
import { baseService } from './_base.js';
import { SLOW, httpGet } from './_health.js';
import { jvmOpts } from './_memory.js';
import { UsageError } from '../errors.js';

interface Options {
  kafka?: string;
}

export const kafdrop: ComponentDef<Options> = {
  name: 'kafdrop',
  summary: 'Kafdrop web UI for Kafka topics and consumer groups',
  category: 'messaging',
  image: 'obsidiandynamics/kafdrop:4.1.0',
  port: 9000,
  memory: '256m',
  minMemory: { size: '128m', why: 'the JVM needs a heap of at least 64 MiB and as much again beside it' },
  options: {
    kafka: opt(name, 'service', 'the kafka service to browse', 'the only kafka service in the stack'),
  },
  build(ctx) {
    const brokers = ctx.options.kafka ? [ctx.options.kafka] : ctx.stack.byComponent('kafka');
    const broker = brokers[0];
    if (brokers.length !== 1 || !broker || ctx.stack.components.get(broker) !== 'kafka') {
      throw new UsageError(`services.${ctx.service}.kafka: kafdrop needs one kafka service to browse; add kafka to the stack or name it with kafka: <service>`);
    }
    const svc = baseService(ctx, kafdrop, {
      environment: { KAFKA_BROKERCONNECT: `${broker}:9092`, SERVER_PORT: '9000', JVM_OPTS: jvmOpts(ctx.memoryMiB, 0.7) },
      dependsOn: { [broker]: 'ready' },
      probe: httpGet(9000, '/actuator/health', SLOW, 'curl'),
    });
    return { services: [svc] };
  },
};
