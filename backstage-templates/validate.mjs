#!/usr/bin/env node
// Validates the Backstage software templates offline, with Backstage's own entity policies and
// the scaffolder's templateEntityV1beta3Validator (npm packages installed by `make tools` into
// deployment/tools), plus the CMS rules the Backstage schema cannot know:
//   - every CmsModule short name has backstage-templates/<short>/template.yaml, and no stray folders;
//   - the App Unique ID field uses AppUniqueId.PATTERN and its lengths (shared-constructs);
//   - every module that reads a deployment setting (SETTINGS: appUniqueId, identityProviderId,
//     vpcName) offers the field with the CmsContext pattern and lengths and passes it to the build
//     as its environment variable; the lists are explicit and checked against the module sources;
//   - a template is marked deployable exactly when its module is in CmsApp.factories();
//   - every regex pattern compiles the way the Backstage form compiles it (unicode mode);
//   - build parameters name CMS_MODULE and only reference form fields that exist;
//   - the entity's buildspec annotations point at files in the shared buildspecs folder;
//   - catalog-info.yaml is a Location that lists exactly the module templates.
// Then a self-test proves that broken templates are rejected. Exit code 0 only when all pass.
//
// Usage: node backstage-templates/validate.mjs
import { createRequire } from 'node:module';
import { readFileSync, existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const started = process.hrtime.bigint();
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const toolsRequire = createRequire(join(root, 'deployment', 'tools', 'package.json'));
let catalogModel, scaffolderCommon, YAML;
try {
  catalogModel = toolsRequire('@backstage/catalog-model');
  scaffolderCommon = toolsRequire('@backstage/plugin-scaffolder-common');
  YAML = toolsRequire('yaml');
} catch (e) {
  console.error(`validate-templates: the Backstage packages are missing (${e.message}); run 'make tools'`);
  process.exit(2);
}
const {
  EntityPolicies, DefaultNamespaceEntityPolicy, NoForeignRootFieldsEntityPolicy, FieldFormatEntityPolicy,
  SchemaValidEntityPolicy, locationEntityV1alpha1Validator,
} = catalogModel;
const { templateEntityV1beta3Validator } = scaffolderCommon;

const policies = EntityPolicies.allOf([
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
  new SchemaValidEntityPolicy(),
]);

const read = (rel) => readFileSync(join(root, rel), 'utf8');

// ---- the deployment settings a module bakes into its stack at synth ----------------------------

/**
 * Form field -> the build parameter (environment variable) CmsContext reads it from, and the
 * modules whose stacks read it. A module missing here builds with the default ('cms') and silently
 * targets another deployment. `reads` finds the setting in a module's sources, to keep the lists whole.
 */
export const SETTINGS = {
  appUniqueId: {
    env: 'APP_UNIQUE_ID',
    // every CmsModule but the two a deployment shares with others (one VPC, one identity provider)
    modules: moduleShortNames(read('shared-constructs/src/main/java/io/cms/constructs/CmsModule.java'))
      .filter((short) => !['vpc', 'auth-setup'].includes(short)),
    reads: null,
  },
  identityProviderId: {
    env: 'IDENTITY_PROVIDER_ID',
    // AuthStack, ConnectStoreStack, AlertsSettings, AppSyncAuthorizer (alerts, api), ConfigStack
    modules: ['auth-setup', 'config', 'auth', 'connect-store', 'alerts', 'api'],
    reads: /identityProviderId\(\)|new AppSyncAuthorizer\(/,
  },
  vpcName: {
    env: 'VPC_NAME',
    modules: ['vpc', 'config'],
    reads: /vpcName\(\)/,
  },
};

// ---- facts from the Java sources -------------------------------------------------------------

/** Module short names in CmsModule order. */
export function moduleShortNames(javaSource) {
  const names = [...javaSource.matchAll(/^\s*[A-Z_]+\("([a-z0-9-]+)",/gm)].map((m) => m[1]);
  if (names.length === 0) throw new Error('no module found in CmsModule.java');
  return names;
}

/**
 * The values of the constants `names` (a string literal, unescaped, or an integer) in a Java
 * source: the rules are written once, in Java, and read here.
 */
export function javaConstants(javaSource, file, names) {
  return Object.fromEntries(names.map((name) => {
    const m = new RegExp(`\\b${name}\\s*=\\s*("(?:[^"\\\\]|\\\\.)*"|\\d+)\\s*;`).exec(javaSource);
    if (!m) throw new Error(`${file} has no constant ${name}`);
    return [name, JSON.parse(m[1])];
  }));
}

/** AppUniqueId.PATTERN, MIN_LENGTH and MAX_LENGTH. */
export function appUniqueIdRule(javaSource) {
  const c = javaConstants(javaSource, 'AppUniqueId.java', ['PATTERN', 'MIN_LENGTH', 'MAX_LENGTH']);
  return { pattern: c.PATTERN, minLength: c.MIN_LENGTH, maxLength: c.MAX_LENGTH };
}

/** CmsContext's IDENTITY_PROVIDER_ID_ and VPC_NAME_ PATTERN, MIN_LENGTH and MAX_LENGTH. */
export function contextRules(javaSource) {
  const rule = (prefix) => {
    const c = javaConstants(javaSource, 'CmsContext.java', ['PATTERN', 'MIN_LENGTH', 'MAX_LENGTH'].map((n) => `${prefix}_${n}`));
    return { pattern: c[`${prefix}_PATTERN`], minLength: c[`${prefix}_MIN_LENGTH`], maxLength: c[`${prefix}_MAX_LENGTH`] };
  };
  return { identityProviderId: rule('IDENTITY_PROVIDER_ID'), vpcName: rule('VPC_NAME') };
}

/** The main Java sources of each module of `shorts` (short name -> file texts), read once. */
export function moduleSources(shorts) {
  const files = (dir) => readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.java') ? [join(dir, e.name)] : []));
  return new Map(shorts.map((short) => {
    const dir = join(root, 'modules', short, 'src', 'main', 'java');
    return [short, existsSync(dir) ? files(dir).map((f) => readFileSync(f, 'utf8')) : []];
  }));
}

/** Problems of the SETTINGS lists: a module that is not a CmsModule, a module whose sources read an unlisted setting. */
export function settingsErrors(settings, shorts, sources) {
  const problems = [];
  for (const [name, setting] of Object.entries(settings)) {
    for (const short of setting.modules.filter((m) => !shorts.includes(m))) {
      problems.push(`validate.mjs: SETTINGS.${name} lists ${short}, which is not a CmsModule`);
    }
    if (!setting.reads) continue;
    for (const [short, texts] of sources) {
      if (!setting.modules.includes(short) && texts.some((text) => setting.reads.test(text))) {
        problems.push(`modules/${short} reads ${name}: add ${short} to SETTINGS.${name}.modules in validate.mjs and the field to its template`);
      }
    }
  }
  return problems;
}

/** Short names of the modules CmsApp.factories() builds (VpcStackFactory -> vpc). */
export function deployableModules(javaSource) {
  return new Set([...javaSource.matchAll(/new\s+([A-Z][A-Za-z0-9]*)StackFactory\s*\(/g)]
    .map((m) => m[1].replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()));
}

// ---- checks ----------------------------------------------------------------------------------

function parseYaml(text, file) {
  const doc = YAML.parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
  return doc.toJS();
}

/** Backstage's own validation: entity policies, then the kind's validator. Returns error strings. */
async function backstageErrors(entity, kindValidator) {
  const errors = [];
  try {
    const result = await policies.enforce(entity);
    if (!result) errors.push('rejected by the entity policies');
  } catch (e) {
    errors.push(e.message);
  }
  try {
    if (!(await kindValidator.check(entity))) errors.push(`not a ${entity?.apiVersion} ${entity?.kind} this validator accepts`);
  } catch (e) {
    errors.push(e.message);
  }
  return errors;
}

function* formProperties(entity) {
  const pages = entity?.spec?.parameters;
  for (const page of Array.isArray(pages) ? pages : [pages ?? {}]) {
    yield* walkProperties(page?.properties ?? {});
    for (const dep of Object.values(page?.dependencies ?? {})) {
      for (const branch of dep?.oneOf ?? []) yield* walkProperties(branch?.properties ?? {});
    }
  }
}

function* walkProperties(properties) {
  for (const [name, schema] of Object.entries(properties)) {
    yield [name, schema];
    if (schema?.items) yield [`${name}[]`, schema.items];
  }
}

/** The CMS rules for one module template. Returns error strings. */
export async function templateErrors(entity, short, facts) {
  const errors = await backstageErrors(entity, templateEntityV1beta3Validator);
  if (errors.length > 0) return errors;
  const annotations = entity.metadata.annotations ?? {};
  if (entity.metadata.name !== `cms-${short}`) errors.push(`metadata.name must be cms-${short}`);
  if (annotations['cms.io/module'] !== short) errors.push(`annotation cms.io/module must be ${short}`);
  const deployable = facts.deployable.has(short);
  if (annotations['cms.io/deployable'] !== String(deployable)) {
    errors.push(deployable
      ? `module ${short} is in CmsApp.factories(): set cms.io/deployable: 'true' and give the template the module's inputs`
      : `module ${short} has no stack in CmsApp.factories(): set cms.io/deployable: 'false' and say so in the description`);
  }
  if (!deployable && !/NOT YET DEPLOYABLE/.test(entity.metadata.description ?? '')) {
    errors.push('the description of a template whose module cannot be deployed yet must say NOT YET DEPLOYABLE');
  }

  const fields = new Map();
  for (const [name, schema] of formProperties(entity)) {
    fields.set(name, schema);
    if (typeof schema?.pattern === 'string') {
      try {
        new RegExp(schema.pattern, 'u');
      } catch (e) {
        errors.push(`field ${name}: pattern does not compile in the form (${e.message})`);
      }
    }
  }
  const steps = entity.spec.steps;
  const configure = steps.find((s) => s.action === 'aws:acdp:configure');
  const params = configure?.input?.buildParameters ?? [];
  for (const [name, setting] of Object.entries(SETTINGS)) {
    const field = fields.get(name);
    const rule = facts.rules[name];
    if (setting.modules.includes(short)) {
      if (!field) errors.push(`module ${short} reads ${name} at synth: the form has no ${name} field`);
      const passed = params.find((p) => p.name === setting.env);
      if (!passed || !new RegExp(`parameters\\.${name}\\b`).test(String(passed.value ?? ''))) {
        errors.push(`module ${short} reads ${name} at synth: pass it as build parameter ${setting.env}: "\${{ parameters.${name} }}"`);
      }
    }
    if (field) {
      if (field.pattern !== rule.pattern) errors.push(`${name} pattern ${field.pattern} differs from ${rule.source} ${rule.pattern}`);
      if (field.minLength !== rule.minLength || field.maxLength !== rule.maxLength) {
        errors.push(`${name} length must be ${rule.minLength}-${rule.maxLength}`);
      }
    }
  }

  if (!configure) {
    errors.push('no aws:acdp:configure step: nothing starts the deployment build');
  } else {
    const module = params.find((p) => p.name === 'CMS_MODULE');
    if (module?.value !== short) errors.push(`build parameter CMS_MODULE must be ${short}`);
    for (const p of params) {
      if (!/^[A-Z][A-Z0-9_]*$/.test(p.name ?? '')) errors.push(`build parameter name '${p.name}' is not an environment variable name`);
      for (const ref of String(p.value ?? '').matchAll(/parameters\.([A-Za-z0-9_]+)/g)) {
        if (!fields.has(ref[1])) errors.push(`build parameter ${p.name} references unknown field ${ref[1]}`);
      }
    }
  }
  const create = steps.find((s) => s.action === 'aws:acdp:catalog:create');
  if (!create) {
    errors.push('no aws:acdp:catalog:create step');
  } else {
    const assets = String(create.input?.assetsSourcePath ?? '').replace(/^dir:/, '');
    const assetsDir = resolve(facts.templatesDir, short, assets);
    const entityAnnotations = create.input?.entity?.metadata?.annotations ?? {};
    for (const action of ['deploy', 'update', 'teardown']) {
      const ref = entityAnnotations[`aws.amazon.com/acdp-${action}-buildspec`];
      if (!ref) {
        errors.push(`the entity has no aws.amazon.com/acdp-${action}-buildspec annotation`);
      } else if (!existsSync(resolve(assetsDir, ref.replace(/^dir:/, '')))) {
        errors.push(`buildspec ${ref} is not in ${assets}`);
      }
    }
  }
  return errors;
}

/** The Location listing the templates. Returns error strings. */
export async function locationErrors(entity, shorts) {
  const errors = await backstageErrors(entity, locationEntityV1alpha1Validator);
  if (errors.length > 0) return errors;
  const targets = [...(entity.spec.targets ?? []), ...(entity.spec.target ? [entity.spec.target] : [])];
  const expected = shorts.map((s) => `./${s}/template.yaml`);
  for (const t of expected) if (!targets.includes(t)) errors.push(`catalog-info.yaml does not list ${t}`);
  for (const t of targets) if (!expected.includes(t)) errors.push(`catalog-info.yaml lists ${t}, which is not a module template`);
  return errors;
}

function buildspecErrors(dir) {
  const errors = [];
  for (const action of ['deploy', 'update', 'teardown']) {
    const file = join(dir, `${action}.buildspec.yaml`);
    if (!existsSync(file)) { errors.push(`${file} is missing`); continue; }
    const spec = parseYaml(readFileSync(file, 'utf8'), file);
    const commands = spec?.phases?.build?.commands ?? [];
    const last = String(commands[commands.length - 1] ?? '');
    if (spec?.version !== 0.2) errors.push(`${action}.buildspec.yaml: version must be 0.2`);
    if (!last.includes('cms-build.sh') || !new RegExp(`\\s${action}$`).test(last.trim())) {
      errors.push(`${action}.buildspec.yaml must run cms-build.sh ${action}`);
    }
  }
  return errors;
}

// ---- run ---------------------------------------------------------------------------------------

async function validateRepository() {
  const context = contextRules(read('shared-constructs/src/main/java/io/cms/constructs/CmsContext.java'));
  const facts = {
    modules: moduleShortNames(read('shared-constructs/src/main/java/io/cms/constructs/CmsModule.java')),
    rules: {
      appUniqueId: { ...appUniqueIdRule(read('shared-constructs/src/main/java/io/cms/constructs/AppUniqueId.java')), source: 'AppUniqueId.PATTERN' },
      identityProviderId: { ...context.identityProviderId, source: 'CmsContext.IDENTITY_PROVIDER_ID_PATTERN' },
      vpcName: { ...context.vpcName, source: 'CmsContext.VPC_NAME_PATTERN' },
    },
    deployable: deployableModules(read('modules/app/src/main/java/io/cms/app/CmsApp.java')),
    templatesDir: here,
  };
  const problems = settingsErrors(SETTINGS, facts.modules, moduleSources(facts.modules));
  for (const short of facts.modules) {
    const rel = `backstage-templates/${short}/template.yaml`;
    if (!existsSync(join(root, rel))) { problems.push(`${rel}: missing (every CmsModule needs a template)`); continue; }
    try {
      const errors = await templateErrors(parseYaml(read(rel), rel), short, facts);
      errors.forEach((e) => problems.push(`${rel}: ${e}`));
    } catch (e) {
      problems.push(e.message);
    }
  }
  for (const entry of readdirSync(here)) {
    if (statSync(join(here, entry)).isDirectory() && entry !== 'buildspecs' && !facts.modules.includes(entry)) {
      problems.push(`backstage-templates/${entry}/ is not a CmsModule short name`);
    }
  }
  try {
    const location = parseYaml(read('backstage-templates/catalog-info.yaml'), 'catalog-info.yaml');
    (await locationErrors(location, facts.modules)).forEach((e) => problems.push(`backstage-templates/catalog-info.yaml: ${e}`));
  } catch (e) {
    problems.push(e.message);
  }
  buildspecErrors(join(here, 'buildspecs')).forEach((e) => problems.push(e));
  return { facts, problems };
}

/** Each broken variant of a good template must be rejected; returns the variants that were not. */
async function selfTest(facts) {
  const good = parseYaml(read('backstage-templates/config/template.yaml'), 'config');
  const copy = () => structuredClone(good);
  const cases = {
    'a step without an action': (t) => { delete t.spec.steps[0].action; },
    'a template without steps': (t) => { delete t.spec.steps; },
    'an invalid entity name': (t) => { t.metadata.name = 'CMS config!'; },
    'an unknown root field': (t) => { t.extra = 1; },
    'an App Unique ID pattern that drifted': (t) => { t.spec.parameters[1].properties.appUniqueId.pattern = '^[a-z]+$'; },
    'an App Unique ID without the length limit': (t) => { delete t.spec.parameters[1].properties.appUniqueId.maxLength; },
    'a pattern the form cannot compile': (t) => { t.spec.parameters[1].properties.vpcName.pattern = '^[a-z+$'; },
    'a build parameter naming an unknown field': (t) => { t.spec.steps[2].input.buildParameters.push({ name: 'X', value: '${{ parameters.nope }}' }); },
    'a build for another module': (t) => { t.spec.steps[2].input.buildParameters[0].value = 'vpc'; },
    'no step that starts the build': (t) => { t.spec.steps = t.spec.steps.filter((s) => s.action !== 'aws:acdp:configure'); },
    'a buildspec that does not exist': (t) => { t.spec.steps[0].input.entity.metadata.annotations['aws.amazon.com/acdp-deploy-buildspec'] = 'dir:./nope.yaml'; },
    'a deployable module marked not deployable': (t) => { t.metadata.annotations['cms.io/deployable'] = 'false'; },
    'an IdP module without the identityProviderId field': (t) => { delete t.spec.parameters[1].properties.identityProviderId; },
    'an IdP module that does not pass IDENTITY_PROVIDER_ID': (t) => {
      t.spec.steps[2].input.buildParameters = t.spec.steps[2].input.buildParameters.filter((p) => p.name !== 'IDENTITY_PROVIDER_ID');
    },
    'IDENTITY_PROVIDER_ID passed from another field': (t) => {
      t.spec.steps[2].input.buildParameters.find((p) => p.name === 'IDENTITY_PROVIDER_ID').value = '${{ parameters.appUniqueId }}';
    },
    'an identityProviderId pattern that allows a leading digit': (t) => {
      t.spec.parameters[1].properties.identityProviderId.pattern = '^(?!-)((?!cognito|aws|amazon)[a-z0-9-])+(?<!-)$';
    },
    'a vpcName pattern that allows an underscore': (t) => { t.spec.parameters[1].properties.vpcName.pattern = '^[A-Za-z][A-Za-z0-9-_]{0,62}$'; },
    'an identityProviderId without the length limit': (t) => { delete t.spec.parameters[1].properties.identityProviderId.maxLength; },
    'a vpcName longer than CmsContext allows': (t) => { t.spec.parameters[1].properties.vpcName.maxLength += 1; },
    'a module that does not pass APP_UNIQUE_ID': (t) => {
      t.spec.steps[2].input.buildParameters = t.spec.steps[2].input.buildParameters.filter((p) => p.name !== 'APP_UNIQUE_ID');
    },
  };
  const accepted = [];
  for (const [name, breakIt] of Object.entries(cases)) {
    const t = copy();
    breakIt(t);
    if ((await templateErrors(t, 'config', facts)).length === 0) accepted.push(name);
  }
  const location = parseYaml(read('backstage-templates/catalog-info.yaml'), 'catalog-info.yaml');
  const missing = structuredClone(location);
  missing.spec.targets = missing.spec.targets.slice(1);
  if ((await locationErrors(missing, facts.modules)).length === 0) accepted.push('a Location missing a template');
  const notLocation = structuredClone(location);
  notLocation.kind = 'Locaton';
  if ((await locationErrors(notLocation, facts.modules)).length === 0) accepted.push('a Location with a misspelt kind');
  const otherCases = rulesAndSettingsSelfTest(facts.modules);
  otherCases.filter(([, rejected]) => !rejected).forEach(([name]) => accepted.push(name));
  if (good.spec.steps[2].input.buildParameters[0].name !== 'CMS_MODULE') accepted.push('self-test fixture changed: first build parameter is not CMS_MODULE');
  return { count: Object.keys(cases).length + 2 + otherCases.length, accepted };
}

const throws = (f) => { try { f(); return false; } catch { return true; } };

/** Broken rule sources and SETTINGS lists: [case, whether it was rejected]. */
function rulesAndSettingsSelfTest(shorts) {
  const context = read('shared-constructs/src/main/java/io/cms/constructs/CmsContext.java');
  const idpMax25 = context.replace(/(IDENTITY_PROVIDER_ID_MAX_LENGTH\s*=\s*)\d+/, (_, name) => `${name}25`);
  const sources = new Map(shorts.map((short) => [short, ['class A {}']]));
  sources.set('api', ['class A {}', 'class B { String v(CmsContext c) { return c.vpcName(); } }']);
  const stray = { vpcName: { ...SETTINGS.vpcName, modules: [...SETTINGS.vpcName.modules, 'nope'] } };
  return [
    ['an IDENTITY_PROVIDER_ID_MAX_LENGTH change that the rules ignore', contextRules(idpMax25).identityProviderId.maxLength === 25],
    ['a CmsContext without VPC_NAME_MIN_LENGTH', throws(() => contextRules(context.replace(/VPC_NAME_MIN_LENGTH/g, 'VPC_NAME_SHORTEST')))],
    ['a module reading vpcName that SETTINGS.vpcName does not list',
      settingsErrors(SETTINGS, shorts, sources).some((e) => e.startsWith('modules/api reads vpcName'))],
    ['SETTINGS listing a module that is not a CmsModule', settingsErrors(stray, shorts, new Map()).length > 0],
  ];
}

const { facts, problems } = await validateRepository();
for (const p of problems) console.error(`FAIL ${p}`);
const { count, accepted } = await selfTest(facts);
for (const a of accepted) console.error(`FAIL self-test: ${a} was accepted`);
const ms = Number(process.hrtime.bigint() - started) / 1e6;
if (problems.length > 0 || accepted.length > 0) {
  console.error(`validate-templates: ${problems.length} problem(s), ${accepted.length} broken variant(s) accepted`);
  process.exit(1);
}
console.log(`validate-templates: ${facts.modules.length} templates, catalog-info.yaml and 3 buildspecs valid;`
  + ` ${count} broken variants rejected (${ms.toFixed(0)} ms)`);
