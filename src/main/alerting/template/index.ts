/**
 * Notification templates (Alertmanager's template package): the built-in templates with the
 * user's `templates` files defined on top, executing a notifier's template text on a
 * notification's data.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TemplateGroup } from '../../template/template';
import type { NotificationData, TemplateSet } from '../types';
import { toGoData } from './data';
import { DEFAULT_TEMPLATES, DEFAULT_TEMPLATES_NAME } from './defaults';
import { alertmanagerFuncs } from './funcs';

export { notificationData, toGoData, fingerprint, goKV, goAlerts, alertResolved, quoteMeta } from './data';
export { alertmanagerFuncs, queryUnescape } from './funcs';
export { DEFAULT_TEMPLATES } from './defaults';
export { GoTime, GoDuration, formatTime, durationString, goTime } from './gotime';

/** NotificationTemplates is the TemplateSet of a configuration (and the names it defines, for tests and the UI). */
export class NotificationTemplates implements TemplateSet {
  private readonly cache = new Map<string, TemplateGroup>();

  constructor(private readonly group: TemplateGroup) {}

  /** names lists the defined templates. */
  names(): string[] {
    return this.group.names();
  }

  /**
   * execute runs text on data as Alertmanager's ExecuteTextString: '' gives ''; the text is parsed
   * in a copy of the set (its own {{define}}s stay its own); errors are Go's.
   */
  execute(text: string, data: NotificationData): string {
    return this.run(text, data, false);
  }

  /** executeHTML is ExecuteHTMLString: as execute, with each action's output HTML-escaped (safeHtml's not). */
  executeHTML(text: string, data: NotificationData): string {
    return this.run(text, data, true);
  }

  private run(text: string, data: NotificationData, escapeHtml: boolean): string {
    if (text === '') return '';
    let g = this.cache.get(text);
    if (g === undefined) {
      g = this.group.clone();
      g.parse('', text);
      if (this.cache.size >= 512) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(text, g);
    }
    return g.execute('', toGoData(data), { escapeHtml });
  }
}

/** LoadOptions tune loadTemplateSet (the clock of `now` and `since`, for tests). */
export interface LoadOptions {
  now?: () => number;
}

/**
 * loadTemplateSet parses the built-in templates and then each file (named by its base name, as
 * Go's ParseGlob names them); throws an Error naming the file when one cannot be read or parsed.
 */
export function loadTemplateSet(files: readonly string[], opts: LoadOptions = {}): NotificationTemplates {
  const group = new TemplateGroup(alertmanagerFuncs(opts.now));
  group.parse(DEFAULT_TEMPLATES_NAME, DEFAULT_TEMPLATES);
  for (const f of files) {
    let text: string;
    try {
      text = fs.readFileSync(f, 'utf8');
    } catch (e) {
      throw new Error(`template file ${f}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
    try {
      group.parse(path.basename(f), text);
    } catch (e) {
      throw new Error(`template file ${f}: ${(e as Error).message}`);
    }
  }
  return new NotificationTemplates(group);
}
