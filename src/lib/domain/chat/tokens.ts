// Token estimates for when a provider reports no usage (many local servers do not). A real
// tokenizer would be exact for one model family only and its vocabulary alone weighs megabytes
// (o200k ranks are about 2 MB), too much to ship to every visitor for an estimate. The heuristic:
// CJK and similar scripts take about one token per character; everything else about one per four
// characters, the rule of thumb OpenAI documents for English. Within ±20% for English prose.

const WIDE = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/gu;

export function estimateTokens(text: string): number {
  if (text === '') return 0;
  const wide = text.match(WIDE)?.length ?? 0;
  const rest = text.length - wide;
  return wide + Math.ceil(rest / 4);
}
