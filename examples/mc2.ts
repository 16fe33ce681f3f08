import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { IpcProducerConsumerPod, IpcReadiness } from '../src';
import { SMALL } from './_common';

/**
 * The image runs as root by default; its program needs no root (the book runs it with
 * `-u nobody`), so both containers run as nobody and keep cdk8s-plus's secure defaults.
 */
const NOBODY = { user: 65534, group: 65534 };

/**
 * `mc2`: Docker in Action's ch6_ipc producer and consumer over the POSIX message queue
 * `/ch6_ipc`. The consumer exits 1 if the queue does not exist yet, so it waits for it.
 */
export class Mc2Chart extends Chart {
  constructor(scope: Construct, id: string, props: { readonly ordered?: boolean; readonly name?: string } = {}) {
    super(scope, id);
    new IpcProducerConsumerPod(this, 'mc2', {
      metadata: { name: props.name ?? 'mc2' },
      readiness: props.ordered === false ? IpcReadiness.none() : IpcReadiness.posixMessageQueue('/ch6_ipc'),
      producer: {
        image: 'allingeek/ch6_ipc',
        command: ['./ipc', '-producer'],
        securityContext: NOBODY,
        resources: SMALL,
      },
      consumer: {
        image: 'allingeek/ch6_ipc',
        command: ['./ipc', '-consumer'],
        securityContext: NOBODY,
        resources: SMALL,
      },
    });
  }
}
