// Every entity the ORM maps, in one list.
import { AuditLog } from './AuditLog';
import { Credential } from './Credential';
import { ProxyModel } from './ProxyModel';
import { Team } from './Team';
import { TeamModelAliases } from './TeamModelAliases';
import { User } from './User';
import { VerificationToken } from './VerificationToken';

export const ENTITIES = [ProxyModel, AuditLog, Team, TeamModelAliases, User, VerificationToken, Credential];
