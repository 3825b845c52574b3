import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Permission } from './permissions';

/** Who is asking: the authenticated API key (or console session) and the org it belongs to. */
export interface Caller {
  orgId: string;
  /** The API key's id, or the console session's (`ps_…`) when the web console asks. */
  keyId: string;
  permissions: readonly Permission[];
}

export type AdminRequest = Request & { caller?: Caller };

/** The caller the admin guard authenticated. */
export const CurrentCaller = createParamDecorator((_data: unknown, context: ExecutionContext): Caller => {
  const caller = context.switchToHttp().getRequest<AdminRequest>().caller;
  if (!caller) throw new Error('CurrentCaller used on a route without the admin guard');
  return caller;
});
