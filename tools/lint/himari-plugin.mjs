// House rules that no published ESLint plugin states the way this repository needs them.
const PROCESS_MODULES = new Set(['process', 'node:process']);

/** True when `symbol` is the `env` member of Node's `Process` interface (@types/node), whatever name reached it. */
function isNodeProcessEnv(symbol) {
  return (symbol?.declarations ?? []).some((decl) => {
    const owner = decl.parent;
    return owner?.name?.escapedText === 'Process' && /[\\/]@types[\\/]node[\\/]/.test(decl.getSourceFile().fileName);
  });
}

/** The `env` property of a type or of any member of a union (`process?.env` on `Process | undefined`). */
function envPropertyOf(checker, type) {
  const parts = type.isUnion() ? type.types : [type];
  for (const part of parts) {
    const env = checker.getNonNullableType(part).getProperty('env');
    if (isNodeProcessEnv(env)) return env;
  }
  return undefined;
}

function keyName(node, computed) {
  if (!computed && node.type === 'Identifier') return node.name;
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  return undefined;
}

const noProcessEnv = {
  meta: {
    type: 'problem',
    docs: { description: 'Libraries never read the process environment: the app reads it once and passes configuration in.' },
    messages: {
      processEnv: 'A library reads process.env{{how}}; take configuration (or the env object) as a parameter from the app.',
    },
    schema: [],
  },
  create(context) {
    // Type-aware when the file has type information: then every route to the object counts (an alias, a
    // parameter typed NodeJS.Process, globalThis.process, `import process from 'node:process'`), not only the
    // spelling `process.env`. Without types the rule falls back to the names.
    const services = context.sourceCode.parserServices;
    const typed = Boolean(services?.program);
    const checker = typed ? services.program.getTypeChecker() : undefined;
    const typeOf = (node) => checker.getTypeAtLocation(services.esTreeNodeToTSNodeMap.get(node));
    const isProcessObject = (node) => {
      if (typed) return envPropertyOf(checker, typeOf(node)) !== undefined;
      if (node.type === 'Identifier') return node.name === 'process';
      return node.type === 'MemberExpression' && keyName(node.property, node.computed) === 'process';
    };
    const report = (node, how) => context.report({ node, messageId: 'processEnv', data: { how } });

    return {
      MemberExpression(node) {
        if (keyName(node.property, node.computed) !== 'env') return;
        if (isProcessObject(node.object))
          report(node, node.object.type === 'Identifier' && node.object.name === 'process' ? '' : ' (through an alias)');
      },
      ObjectPattern(node) {
        const env = node.properties.find((p) => p.type === 'Property' && keyName(p.key, p.computed) === 'env');
        if (!env) return;
        const source =
          node.parent?.type === 'VariableDeclarator'
            ? node.parent.init
            : node.parent?.type === 'AssignmentExpression'
              ? node.parent.right
              : null;
        const isProcess = typed ? envPropertyOf(checker, typeOf(node)) !== undefined : source != null && isProcessObject(source);
        if (isProcess) report(env, ' (destructured)');
      },
      ImportDeclaration(node) {
        if (!PROCESS_MODULES.has(node.source.value)) return;
        for (const spec of node.specifiers) {
          if (spec.type === 'ImportSpecifier' && keyName(spec.imported, false) === 'env')
            report(spec, ` (imported from '${node.source.value}')`);
        }
      },
    };
  },
};

export default {
  meta: { name: 'himari' },
  rules: { 'no-process-env': noProcessEnv },
};
