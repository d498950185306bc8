/**
 * Scraping: the ScrapeManager (pools of per-target loops fed by target groups), the pluggable
 * transport, and the pieces tests and other subsystems use directly.
 */
export { ScrapeManager } from './manager';
export type { ScrapeManagerOptions, TargetInfo, DroppedTargetInfo, TargetsView, TargetMetadataEntry } from './manager';
export { ScrapePool, acceptHeader, fallbackMediaType, reusableCache } from './pool';
export type { TransportResolver, PoolDeps } from './pool';
export { ScrapeLoop, ERR_SAMPLE_LIMIT, REPORT_METRICS, EXTRA_REPORT_METRICS } from './loop';
export type { Scraper, ScrapeLoopOptions, AppendResult, ScrapeStats } from './loop';
/** Appendable and ExemplarAppender are storage's write contract, re-exported until importers move to storage/interface. */
export type { Appendable, ExemplarAppender } from '../storage/interface';
export { ScrapeCache } from './cache';
export type { MetricMetadata } from './cache';
export { TargetScraper, ScrapeError, ERR_BODY_SIZE_LIMIT, USER_AGENT, readBody } from './scraper';
export type { ScrapeResult, ScraperOptions } from './scraper';
export { HttpTransport, TransportError, tlsOptions } from './transport';
export type { ScrapeTransport, ScrapeResponse, ScrapeFetchOptions } from './transport';
export { Target, populateLabels, targetsFromGroup, globalUrl } from './target';
export type { TargetHealth, PopulateResult } from './target';
export { scrapeRoutes, scrapeSelfMetrics } from './routes';
export { SyntheticTransport } from './synthetic';
export type { SyntheticSource } from './synthetic';
