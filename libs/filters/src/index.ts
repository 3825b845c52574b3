export { FILTER_LIMITS, matchesFilter, type Filter, type FilterableEvent } from './filter';
export { filterPathText, validateFilter, type FilterIssue } from './validate';
