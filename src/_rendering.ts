// Fields the library writes that cdk8s-plus-27 cannot express: native sidecars (KEP-753,
// Kubernetes >= 1.29: `restartPolicy: Always` and probes on an init container), and a
// container's `securityContext.seccompProfile` and `capabilities.drop: [ALL]` (both in the 1.27
// API; cdk8s-plus-27 has no seccomp field, and its capability names all start with `CAP_`).
// cdk8s-plus's Kube* objects filter the rendered JSON through the 1.27 schema after any JSON
// patch, and its init containers take no probes. So the containers are added as cdk8s-plus
// containers (their mounts, env and ports are then rendered, and checked, as any other) and
// these fields are written into the one rendered object of the workload, after that filter.
import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { attached } from './_attached';

/** The probes of a native sidecar, as cdk8s-plus's container props name them. */
export interface SidecarProbes {
  readonly startup?: kplus.Probe;
  readonly readiness?: kplus.Probe;
  readonly liveness?: kplus.Probe;
}

const RENDERING = Symbol.for('cdk8s-multicontainer.PodTemplateRendering');

/**
 * Writes what cdk8s-plus-27 cannot into a workload's rendered pod spec. One per workload,
 * installed on its ApiObject on first use; containers are found by identity at render time, so
 * containers added in any order and at any time land where cdk8s-plus put them.
 */
export class PodTemplateRendering {
  /** The rendering of `workload`, installed on first use. */
  public static of(workload: kplus.AbstractPod): PodTemplateRendering {
    return attached(workload, RENDERING, () => new PodTemplateRendering(workload));
  }

  /** Native sidecars and their probes (made on first use: most workloads have none). */
  private sidecars?: Map<kplus.Container, SidecarProbes>;
  /** Containers given the Pod Security defaults, and whether to drop all their capabilities. */
  private readonly secured = new Map<kplus.Container, boolean>();

  private constructor(private readonly workload: kplus.AbstractPod) {
    const api = ApiObject.of(workload);
    const render = api.toJson.bind(api);
    api.toJson = () => this.patch(render());
  }

  /** Renders the init container `container` as a native sidecar with `probes`. */
  public nativeSidecar(container: kplus.Container, probes: SidecarProbes): void {
    (this.sidecars ??= new Map()).set(container, probes);
  }

  /**
   * Gives `container` the container runtime's default seccomp profile (Pod Security "restricted"
   * asks for it) unless it has one, and with `dropAll`, `capabilities: { drop: [ALL] }` unless
   * it has capabilities of its own.
   */
  public securityDefaults(container: kplus.Container, dropAll: boolean): void {
    this.secured.set(container, dropAll);
  }

  private patch(json: any): any {
    const spec = podSpecOf(json);
    if (!spec) return json;
    this.patchList(spec.containers, this.workload.containers);
    this.patchList(spec.initContainers, this.workload.initContainers);
    return json;
  }

  /**
   * Writes the fields into each rendered container (a fresh object per render, so written in
   * place); a container is re-sorted only when it gets a key it did not have.
   */
  private patchList(rendered: any[] | undefined, containers: kplus.Container[]): void {
    if (!rendered) return;
    for (let i = 0; i < containers.length && i < rendered.length; i++) {
      const container = containers[i];
      const fields: Record<string, unknown> = rendered[i];
      let newKeys = false;
      const probes = this.sidecars?.get(container);
      if (probes) {
        fields.restartPolicy = 'Always';
        fields.startupProbe = renderProbe(probes.startup, container);
        fields.readinessProbe = renderProbe(probes.readiness, container);
        fields.livenessProbe = renderProbe(probes.liveness, container);
        newKeys = true;
      }
      const dropAll = this.secured.get(container);
      if (dropAll !== undefined) {
        if (fields.securityContext === undefined) newKeys = true;
        fields.securityContext = securedContext(fields.securityContext as Record<string, unknown> | undefined, dropAll);
      }
      if (newKeys) rendered[i] = sortedKeys(fields);
    }
  }
}

/**
 * A rendered securityContext (a fresh object per render, so written in place) with the Pod
 * Security defaults it lacks, keys sorted.
 */
function securedContext(rendered: Record<string, unknown> | undefined, dropAll: boolean): Record<string, unknown> {
  const context = rendered ?? {};
  let added = false;
  if (context.seccompProfile === undefined) {
    context.seccompProfile = { type: 'RuntimeDefault' };
    added = true;
  }
  if (dropAll && context.capabilities === undefined) {
    context.capabilities = { drop: ['ALL'] };
    added = true;
  }
  return added ? sortedKeys(context) : context;
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

/** `value` with the keys of every object in it sorted, and undefined ones left out, as cdk8s writes JSON. */
function deepSorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(deepSorted);
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(obj).sort()) if (obj[key] !== undefined) out[key] = deepSorted(obj[key]);
  return out;
}

/** cdk8s writes keys sorted: the added ones go in their place; undefined ones are left out. */
function sortedKeys(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(obj).sort()) if (obj[key] !== undefined) out[key] = obj[key];
  return out;
}
