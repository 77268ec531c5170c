import { defineCommand } from '../define.js';

export const check = defineCommand({
  command: 'check',
  describe: 'Verify the whole store: digests, references, files against their indexes; exit 1 on problems',
  builder: (y) => y,
  run: async (ctx) => {
    const { checkStore } = await import('../../store/check.js');
    const problems = await checkStore(await ctx.store());
    if (ctx.json) problems.forEach((p) => ctx.jsonLine({ problem: p }));
    else ctx.out(problems.map((p) => p + '\n').join(''));
    return problems.length === 0 ? 0 : 1;
  },
});
