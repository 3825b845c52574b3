export { extractKeyDetails, formatDuration, type KeyDetail, type KeyDetailOptions } from './details';
export { discordEmbedLength, DISCORD_LIMITS, formatDiscord, renderDiscord, type DiscordEmbed, type DiscordMessage } from './discord';
export { formatRaw, formatWebhookBody, formatWebhookRequest, isIncidentFormat, isWebhookFormat, WEBHOOK_FORMATS, type RawBody, type WebhookBody, type WebhookFormat } from './format';
export { defaultDedupKey } from './incident';
export { DEFAULT_MAX_FIELDS, moreFields, type ChatFormatOptions } from './options';
export { formatSlack, renderSlack, SLACK_LIMITS, type SlackBlock, type SlackMessage } from './slack';
export { formatTeams, renderTeams, TEAMS_MAX_BYTES, type AdaptiveCard, type TeamsMessage } from './teams';
export { TRUNCATION_MARKER, truncate } from './text';
export {
  describeEvent,
  eventLink,
  eventSubject,
  eventSummary,
  eventTitle,
  humanizeEventType,
  readableTime,
  SEVERITY_STYLES,
  type EventLink,
  type EventSummary,
  type EventView,
  type EventViewOptions,
} from './view';
export { checkTemplate, evaluateTemplate, templateBody, TemplateEvaluationError, TemplateSyntaxError } from './template';
