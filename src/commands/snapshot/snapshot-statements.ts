import type { ConnectionSettings } from '../../config/types.js';
import { StatementsSource } from '../../sources/statements/source.js';
import type { StatementsSnapshot } from '../../sources/statements/types.js';
import { computeStatementRates } from '../../store/statement-rates.js';
import { buildStatementsDocument, type StatementsDocument } from '../../store/statements-document.js';

/** pg_stat_statements for `pgtop snapshot --statements`: rates between consecutive samples. */
export class StatementsSampler {
  private readonly source: StatementsSource;
  private previous: StatementsSnapshot | undefined;

  constructor(settings: ConnectionSettings) {
    this.source = new StatementsSource(settings);
  }

  async sample(): Promise<StatementsDocument> {
    const outcome = await this.source.tick();
    if (outcome.kind === 'unavailable') return { available: false, ...outcome.diagnosis };
    if (outcome.kind === 'error') return { available: false, problem: 'error', message: outcome.message };
    if (outcome.kind === 'skipped') return { available: false, problem: 'error', message: 'the previous pg_stat_statements fetch was still running' };
    const rates = computeStatementRates(this.previous, outcome.data);
    this.previous = outcome.data;
    const texts = await this.source.textsOf(outcome.data.entries.map((e) => e.key));
    return buildStatementsDocument(outcome.data, rates, texts, outcome.diagnosis);
  }

  /** A first sample, then the one `gapMs` later that has rates. */
  async sampleOverInterval(gapMs: number): Promise<StatementsDocument> {
    const first = await this.sample();
    if (!first.available) return first;
    await new Promise((resolve) => setTimeout(resolve, gapMs));
    return this.sample();
  }

  close(): Promise<void> {
    return this.source.close();
  }
}
