import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { PROJECT_ROOT } from '../paths';

/** A property or action parameter as the metadata declares it. */
interface Typed {
  readonly name: string;
  /** Qualified, without `Collection(...)`: `Edm.String`, `microsoft.graph.vppToken`. */
  readonly type: string;
  readonly collection: boolean;
  readonly nullable: boolean;
}

interface StructuredType {
  readonly kind: 'entity' | 'complex';
  readonly name: string;
  readonly baseType?: string;
  readonly abstract: boolean;
  readonly properties: ReadonlyMap<string, Typed>;
  readonly navigation: ReadonlyMap<string, Typed>;
}

interface BoundAction {
  readonly name: string;
  readonly binding: Typed;
  readonly parameters: readonly (Typed & { readonly optional: boolean })[];
  readonly returnType?: Typed;
}

/** Where a request path leads: a collection or one instance of a type, or an action bound to one. */
type Resource =
  { readonly kind: 'collection' | 'instance'; readonly type: string } | { readonly kind: 'action'; readonly action: BoundAction };

const NAMESPACE = 'microsoft.graph';
const METADATA_FILE = path.join(PROJECT_ROOT, 'test', 'fixtures', 'graph-beta-vpp.csdl.xml');
/** The system query options a request may carry. */
const QUERY_OPTIONS = new Set(['$select', '$filter', '$top', '$skiptoken', '$orderby', '$expand', '$count', '$search']);

function asArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** `graph.x` and `microsoft.graph.x` name the same type. */
function qualify(type: string): string {
  return type.startsWith('graph.') ? `${NAMESPACE}.${type.slice('graph.'.length)}` : type;
}

function typed(node: Record<string, string>): Typed {
  const raw = node['@_Type'];
  const collection = raw.startsWith('Collection(');
  return {
    name: node['@_Name'],
    type: qualify(collection ? raw.slice('Collection('.length, -1) : raw),
    collection,
    nullable: node['@_Nullable'] !== 'false',
  };
}

/**
 * Microsoft Graph's beta metadata for the VPP routes (test/fixtures/graph-beta-vpp.csdl.xml), and checks of requests
 * and answers against it. Every check returns the problems it found, as sentences naming the path into the payload.
 */
export class GraphContract {
  private readonly types = new Map<string, StructuredType>();
  private readonly enums = new Map<string, ReadonlySet<string>>();
  private readonly actions: BoundAction[] = [];
  private readonly singletons = new Map<string, string>();
  private readonly entitySets = new Map<string, string>();

  constructor(xml = readFileSync(METADATA_FILE, 'utf8')) {
    const parser = new XMLParser({
      ignoreAttributes: false,
      isArray: (name, _path, _leaf, isAttribute) => !isAttribute && name !== 'edmx:Edmx' && name !== 'edmx:DataServices',
    });
    const document = parser.parse(xml) as Record<string, Record<string, Record<string, Record<string, unknown>[]>>>;
    for (const schema of document['edmx:Edmx']['edmx:DataServices'].Schema) {
      for (const node of asArray(schema.EnumType as Record<string, unknown>[])) {
        const members = asArray(node.Member as Record<string, string>[]).map((member) => member['@_Name']);
        this.enums.set(`${NAMESPACE}.${node['@_Name'] as string}`, new Set(members));
      }
      for (const [kind, nodes] of [
        ['complex', schema.ComplexType],
        ['entity', schema.EntityType],
      ] as const) {
        for (const node of asArray(nodes as Record<string, unknown>[])) {
          const name = `${NAMESPACE}.${node['@_Name'] as string}`;
          this.types.set(name, {
            kind,
            name,
            baseType: typeof node['@_BaseType'] === 'string' ? qualify(node['@_BaseType']) : undefined,
            abstract: node['@_Abstract'] === 'true',
            properties: new Map(
              asArray(node.Property as Record<string, string>[]).map((property) => [property['@_Name'], typed(property)]),
            ),
            navigation: new Map(
              asArray(node.NavigationProperty as Record<string, string>[]).map((property) => [property['@_Name'], typed(property)]),
            ),
          });
        }
      }
      for (const node of asArray(schema.Action as Record<string, unknown>[])) {
        const [binding, ...parameters] = asArray(node.Parameter as Record<string, unknown>[]);
        const returnType = asArray(node.ReturnType as Record<string, string>[])[0];
        this.actions.push({
          name: node['@_Name'] as string,
          binding: typed(binding as Record<string, string>),
          parameters: parameters.map((parameter) => ({
            ...typed(parameter as Record<string, string>),
            optional: asArray(parameter.Annotation as Record<string, string>[]).some(
              (note) => note['@_Term'] === 'Org.OData.Core.V1.OptionalParameter',
            ),
          })),
          returnType: returnType && typed({ ...returnType, '@_Name': 'return' }),
        });
      }
      for (const container of asArray(schema.EntityContainer as Record<string, unknown>[])) {
        for (const singleton of asArray(container.Singleton as Record<string, string>[])) {
          this.singletons.set(singleton['@_Name'], qualify(singleton['@_Type']));
        }
        for (const entitySet of asArray(container.EntitySet as Record<string, string>[])) {
          this.entitySets.set(entitySet['@_Name'], qualify(entitySet['@_EntityType']));
        }
      }
    }
  }

  /** The structural properties of a type, its base types' included. */
  properties(typeName: string): ReadonlyMap<string, Typed> {
    const all = new Map<string, Typed>();
    for (let type = this.types.get(qualify(typeName)); type; type = type.baseType ? this.types.get(type.baseType) : undefined) {
      for (const [name, property] of type.properties) {
        all.set(name, property);
      }
    }
    return all;
  }

  /** Problems with a request: its path, its query options and, for an action, its body. */
  checkRequest(method: string, url: string, body: string): string[] {
    const parsed = new URL(url, 'https://graph.invalid');
    const resource = this.resolve(parsed.pathname);
    if (typeof resource === 'string') {
      return [resource];
    }
    if (resource.kind === 'action') {
      return method === 'POST'
        ? this.checkActionBody(resource.action, body)
        : [`${method} on the action ${resource.action.name}: actions take POST`];
    }
    if (method === 'POST' && resource.kind === 'collection') {
      return this.checkEntityBody(resource.type, body, 'POST');
    }
    if (method === 'PATCH' && resource.kind === 'instance') {
      return this.checkEntityBody(resource.type, body, 'PATCH');
    }
    if (method === 'DELETE' && resource.kind === 'instance') {
      return body === '' ? [] : [`DELETE ${parsed.pathname}: a delete has no body`];
    }
    if (method !== 'GET') {
      return [`${method} ${parsed.pathname}: Graph has no ${method} on a ${resource.kind} of ${resource.type}`];
    }
    const problems: string[] = [];
    for (const [option, value] of parsed.searchParams) {
      if (!QUERY_OPTIONS.has(option)) {
        problems.push(`${option} is not an OData system query option`);
      } else if (option === '$select') {
        const known = this.properties(resource.type);
        problems.push(
          ...value
            .split(',')
            .filter((field) => !known.has(field))
            .map((field) => `$select: ${resource.type} has no property ${field}`),
        );
      } else if (option === '$filter') {
        for (const [, cast] of value.matchAll(/isof\('([\w.]+)'\)/g)) {
          if (!this.derivesFrom(cast, resource.type)) {
            problems.push(`$filter: ${cast} is not a type derived from ${resource.type}`);
          }
        }
      }
    }
    return problems;
  }

  /** Problems with an answer to a request: a collection page, an entity, or what an action returns. */
  checkResponse(url: string, status: number, body: string): string[] {
    const resource = this.resolve(new URL(url, 'https://graph.invalid').pathname);
    if (typeof resource === 'string' || status >= 300) {
      return [];
    }
    if (status === 204) {
      return body === '' ? [] : ['an answer with status 204 has no body'];
    }
    if (resource.kind === 'action') {
      const returns = resource.action.returnType;
      if (!returns) {
        return status === 204 && body === ''
          ? []
          : [`${resource.action.name} returns nothing, so Graph answers 204 with no body, not ${status}`];
      }
      const answer = JSON.parse(body) as Record<string, unknown>;
      // The docs' examples wrap the returned entity in `value`; the metadata returns it bare. Both are served.
      const returned = Object.keys(answer).length === 1 && answer.value && typeof answer.value === 'object' ? answer.value : answer;
      return this.checkValue(returned, returns, resource.action.name);
    }
    const answer = JSON.parse(body) as Record<string, unknown>;
    // An instance, or the entity a POST to a collection created.
    if (resource.kind === 'instance' || status === 201) {
      return this.checkValue(answer, { name: 'entity', type: resource.type, collection: false, nullable: false }, 'entity');
    }
    const problems = Object.keys(answer)
      .filter((key) => key !== 'value' && key !== '@odata.context' && key !== '@odata.nextLink' && key !== '@odata.count')
      .map((key) => `a collection page has ${key}, which is neither value nor an OData annotation`);
    return [
      ...problems,
      ...this.checkValue(answer.value, { name: 'value', type: resource.type, collection: true, nullable: false }, 'value'),
    ];
  }

  /** Follows the path from a singleton or an entity set through navigation properties, keys and bound actions. */
  private resolve(pathname: string): Resource | string {
    const segments = pathname
      .replace(/^\/(beta|v1\.0)\//, '')
      .split('/')
      .map(decodeURIComponent);
    const singleton = this.singletons.get(segments[0]);
    const entitySet = this.entitySets.get(segments[0]);
    if (!singleton && !entitySet) {
      return `${pathname}: ${segments[0]} is not an entity set or singleton`;
    }
    let resource: Resource = singleton ? { kind: 'instance', type: singleton } : { kind: 'collection', type: entitySet ?? '' };
    for (const segment of segments.slice(1)) {
      if (resource.kind === 'action') {
        return `${pathname}: nothing follows an action`;
      }
      const current: { kind: 'collection' | 'instance'; type: string } = resource;
      const action = this.actions.find(
        (candidate) =>
          (candidate.name === segment || `${NAMESPACE}.${candidate.name}` === segment) &&
          candidate.binding.collection === (current.kind === 'collection') &&
          this.derivesFrom(current.type, candidate.binding.type),
      );
      const navigation = current.kind === 'instance' ? this.navigationProperty(current.type, segment) : undefined;
      const cast = segment.startsWith(`${NAMESPACE}.`) && this.types.has(segment) ? segment : undefined;
      if (action) {
        resource = { kind: 'action', action };
      } else if (cast) {
        if (!this.derivesFrom(cast, current.type)) {
          return `${pathname}: ${cast} is not a type derived from ${current.type}`;
        }
        resource = { kind: current.kind, type: cast };
      } else if (navigation) {
        resource = { kind: navigation.collection ? 'collection' : 'instance', type: navigation.type };
      } else if (current.kind === 'collection') {
        resource = { kind: 'instance', type: current.type };
      } else {
        return `${pathname}: ${current.type} has no navigation property or bound action ${segment}`;
      }
    }
    return resource;
  }

  private navigationProperty(typeName: string, name: string): Typed | undefined {
    for (let type = this.types.get(typeName); type; type = type.baseType ? this.types.get(type.baseType) : undefined) {
      const found = type.navigation.get(name);
      if (found) {
        return found;
      }
    }
    return undefined;
  }

  private derivesFrom(typeName: string, baseName: string): boolean {
    for (let type = this.types.get(qualify(typeName)); type; type = type.baseType ? this.types.get(type.baseType) : undefined) {
      if (type.name === qualify(baseName)) {
        return true;
      }
    }
    return false;
  }

  /** The body of a create (POST) or an update (PATCH): properties of the type, each of its declared type. */
  private checkEntityBody(typeName: string, body: string, method: 'POST' | 'PATCH'): string[] {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return [`${method}: the body is not JSON`];
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return [`${method}: the body is not a JSON object`];
    }
    const sent = parsed as Record<string, unknown>;
    const odataType = sent['@odata.type'];
    const type = typeof odataType === 'string' ? odataType.replace(/^#/, '') : typeName;
    if (!this.derivesFrom(type, typeName)) {
      return [`${method}: @odata.type ${String(odataType)} is not ${typeName} or a type derived from it`];
    }
    const properties = this.properties(type);
    return Object.entries(sent)
      .filter(([key]) => key !== '@odata.type')
      .flatMap(([key, value]) => {
        const property = properties.get(key);
        return property ? this.checkValue(value, property, `${method}.${key}`) : [`${method}: ${type} has no property ${key}`];
      });
  }

  private checkActionBody(action: BoundAction, body: string): string[] {
    let parsed: unknown = {};
    if (body !== '') {
      try {
        parsed = JSON.parse(body);
      } catch {
        return [`${action.name}: the body is not JSON`];
      }
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return [`${action.name}: the body is not a JSON object`];
    }
    const sent = parsed as Record<string, unknown>;
    const problems = Object.keys(sent)
      .filter((key) => !action.parameters.some((parameter) => parameter.name === key))
      .map((key) => `${action.name} has no parameter ${key}`);
    for (const parameter of action.parameters) {
      if (!(parameter.name in sent)) {
        // A parameter that may be null may be left out; one that may not is required unless annotated optional.
        if (!parameter.nullable && !parameter.optional) {
          problems.push(`${action.name} requires ${parameter.name}`);
        }
        continue;
      }
      problems.push(...this.checkValue(sent[parameter.name], parameter, `${action.name}.${parameter.name}`));
    }
    return problems;
  }

  /** Problems with one value of a declared type: null-ness, collections, primitives, enums and structured types. */
  private checkValue(value: unknown, declared: Typed, where: string): string[] {
    if (value === null || value === undefined) {
      return declared.nullable || value === undefined ? [] : [`${where} is null, but ${declared.type} there is not nullable`];
    }
    if (declared.collection) {
      if (!Array.isArray(value)) {
        return [`${where} should be a collection of ${declared.type}`];
      }
      return value.flatMap((item, index) =>
        this.checkValue(item, { ...declared, collection: false, nullable: false }, `${where}[${index}]`),
      );
    }
    if (declared.type.startsWith('Edm.')) {
      return this.checkPrimitive(value, declared.type, where);
    }
    const members = this.enums.get(declared.type);
    if (members) {
      return typeof value === 'string' && members.has(value)
        ? []
        : [`${where}: ${JSON.stringify(value)} is not a member of ${declared.type}`];
    }
    const structured = this.types.get(declared.type);
    if (!structured) {
      return [`${where}: ${declared.type} is not in the metadata extract; add it to test/fixtures before a payload uses it`];
    }
    if (typeof value !== 'object' || Array.isArray(value)) {
      return [`${where} should be a ${declared.type} object`];
    }
    return this.checkObject(value as Record<string, unknown>, structured, where);
  }

  private checkObject(object: Record<string, unknown>, declared: StructuredType, where: string): string[] {
    let type = declared;
    const odataType = object['@odata.type'];
    if (typeof odataType === 'string') {
      const named = this.types.get(odataType.replace(/^#/, ''));
      if (!named) {
        // Not "not derived": the extract holds only part of Graph's types (iosStoreApp is a mobileApp, say).
        return [`${where}: @odata.type ${odataType} is not in the metadata extract; add it to test/fixtures before a payload uses it`];
      }
      if (!this.derivesFrom(named.name, declared.name)) {
        return [`${where}: @odata.type ${odataType} is not ${declared.name} or a type derived from it`];
      }
      type = named;
    } else if (declared.abstract) {
      return [`${where}: ${declared.name} is abstract, so the object must name its type in @odata.type`];
    }
    const properties = this.properties(type.name);
    const problems: string[] = [];
    for (const [key, value] of Object.entries(object)) {
      // Instance annotations (`@odata.type`, `prop@odata.type`) are not properties.
      if (key.includes('@')) {
        continue;
      }
      const property = properties.get(key);
      if (!property) {
        problems.push(`${where}: ${type.name} has no property ${key}`);
        continue;
      }
      problems.push(...this.checkValue(value, property, `${where}.${key}`));
    }
    return problems;
  }

  private checkPrimitive(value: unknown, type: string, where: string): string[] {
    const valid: Record<string, (candidate: unknown) => boolean> = {
      'Edm.String': (candidate) => typeof candidate === 'string',
      'Edm.Boolean': (candidate) => typeof candidate === 'boolean',
      'Edm.Binary': (candidate) =>
        typeof candidate === 'string' && /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(candidate),
      'Edm.Int32': (candidate) => Number.isInteger(candidate) && Math.abs(candidate as number) <= 2 ** 31,
      'Edm.Guid': (candidate) =>
        typeof candidate === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(candidate),
      'Edm.DateTimeOffset': (candidate) =>
        typeof candidate === 'string' &&
        /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(candidate) &&
        !Number.isNaN(Date.parse(candidate)),
    };
    const check = valid[type];
    if (!check) {
      return [`${where}: ${type} is not a primitive type this check knows`];
    }
    return check(value) ? [] : [`${where}: ${JSON.stringify(value)} is not an ${type}`];
  }
}
