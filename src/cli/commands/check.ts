import { defineCommand } from '../define.js';

export const check = defineCommand({
  command: 'check',
  describe: 'Verify the whole store: digests, references, files against their indexes; exit 1 on problems',
  builder: (y) => y,
  run: async (ctx) => {
    const { checkStore } = await import('../../store/check.js');
    const { containerProblems } = await import('../../runtime/containers/record-check.js');
    // A store that lost its format marker is opened too: reporting it is check's job.
    const store = await ctx.store({ unmarked: true });
    const problems = [...(await checkStore(store)), ...containerProblems(store)];
    if (ctx.json) problems.forEach((p) => ctx.jsonLine({ problem: p }));
    else ctx.out(problems.map((p) => p + '\n').join(''));
    return problems.length === 0 ? 0 : 1;
  },
});
