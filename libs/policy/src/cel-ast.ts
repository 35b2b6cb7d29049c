import type { ASTNode } from '@marcbachmann/cel-js';

/** The sub-expressions of a CEL node, in source order (names and field names are not nodes). */
export function childrenOf(node: ASTNode): ASTNode[] {
  switch (node.op) {
    case 'value':
    case 'id':
      return [];
    case '.':
    case '.?':
      return [node.args[0]];
    case 'call':
      return [...node.args[1]];
    case 'rcall':
      return [node.args[1], ...node.args[2]];
    case 'list':
      return [...node.args];
    case 'map':
      return node.args.flat();
    case '!_':
    case '-_':
      return [node.args];
    default:
      return [...node.args];
  }
}

/** A call's name and operands, the receiver first (`x.size()` and `size(x)` alike). */
export function callOf(node: ASTNode): { name: string; operands: ASTNode[]; receiver: boolean } | undefined {
  if (node.op === 'call') return { name: node.args[0], operands: [...node.args[1]], receiver: false };
  if (node.op === 'rcall') return { name: node.args[0], operands: [node.args[1], ...node.args[2]], receiver: true };
  return undefined;
}

/** Every node of the tree, parents before children, without recursion (depth is bounded, but so is the stack). */
export function* nodesOf(root: ASTNode): Generator<ASTNode> {
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    yield node;
    stack.push(...childrenOf(node).reverse());
  }
}
