// Native sidecars (KEP-753, Kubernetes >= 1.29): init containers with `restartPolicy: Always`.
// cdk8s-plus-27 models the 1.27 API, which has neither that field nor probes on init containers:
// its init containers take no probes, and its Kube* objects filter the rendered JSON through the
// 1.27 schema after any JSON patch. So the sidecar is added as a plain init container (its
// mounts, env and ports are then rendered, and checked, as any other), and the two things 1.27
// cannot say are written into the one rendered object of the workload, after that filter.
import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';

/** The probes of a native sidecar, as cdk8s-plus's container props name them. */
export interface SidecarProbes {
  readonly startup?: kplus.Probe;
  readonly readiness?: kplus.Probe;
  readonly liveness?: kplus.Probe;
}

const RENDERING = Symbol.for('cdk8s-multicontainer.NativeSidecarRendering');

/**
 * Writes `restartPolicy: Always` and the probes of a workload's native sidecars into its
 * rendered pod spec. One per workload, installed on its ApiObject on first use.
 */
export class NativeSidecarRendering {
  /** Renders `container` (an init container of `workload`) as a native sidecar with `probes`. */
  public static add(workload: kplus.AbstractPod, container: kplus.Container, probes: SidecarProbes): void {
    const holder = workload as unknown as { [RENDERING]?: NativeSidecarRendering };
    let rendering = holder[RENDERING];
    if (!rendering) {
      rendering = new NativeSidecarRendering(workload);
      Object.defineProperty(workload, RENDERING, { value: rendering, enumerable: false });
    }
    rendering.sidecars.set(container, probes);
  }

  private readonly sidecars = new Map<kplus.Container, SidecarProbes>();

  private constructor(private readonly workload: kplus.AbstractPod) {
    const api = ApiObject.of(workload);
    const render = api.toJson.bind(api);
    api.toJson = () => this.patch(render());
  }

  private patch(json: any): any {
    const spec = podSpecOf(json);
    const rendered: any[] = spec?.initContainers ?? [];
    this.workload.initContainers.forEach((container, i) => {
      const probes = this.sidecars.get(container);
      if (!probes || !rendered[i]) return;
      rendered[i] = sortedKeys({
        ...rendered[i],
        restartPolicy: 'Always',
        startupProbe: renderProbe(probes.startup, container),
        readinessProbe: renderProbe(probes.readiness, container),
        livenessProbe: renderProbe(probes.liveness, container),
      });
    });
    return json;
  }
}

/** The pod spec in a rendered workload: `spec`, `spec.template.spec` or `spec.jobTemplate.spec.template.spec`. */
function podSpecOf(json: any): any {
  const spec = json?.spec;
  return spec?.jobTemplate?.spec?.template?.spec ?? spec?.template?.spec ?? spec;
}

/** A probe as cdk8s-plus renders one (Kubernetes field names, keys sorted). */
function renderProbe(probe: kplus.Probe | undefined, container: kplus.Container): unknown {
  return probe ? deepSorted(kplus.k8s.toJson_Probe(probe._toKube(container))) : undefined;
}

function deepSorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(deepSorted);
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  return Object.fromEntries(Object.keys(obj).sort().filter(k => obj[k] !== undefined).map(k => [k, deepSorted(obj[k])]));
}

/** cdk8s writes keys sorted: the added ones go in their place; undefined ones are left out. */
function sortedKeys(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(obj).sort()) if (obj[key] !== undefined) out[key] = obj[key];
  return out;
}
