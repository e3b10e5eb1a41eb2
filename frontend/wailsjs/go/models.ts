export namespace accounts {
	
	export class Changes {
	    scopes_gained: string[];
	    scopes_lost: string[];
	    scopes_not_granted: string[];
	    assets_kept: string[];
	    assets_gained: string[];
	    assets_lost: string[];
	    identity_changed: boolean;
	
	    static createFrom(source: any = {}) {
	        return new Changes(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.scopes_gained = source["scopes_gained"];
	        this.scopes_lost = source["scopes_lost"];
	        this.scopes_not_granted = source["scopes_not_granted"];
	        this.assets_kept = source["assets_kept"];
	        this.assets_gained = source["assets_gained"];
	        this.assets_lost = source["assets_lost"];
	        this.identity_changed = source["identity_changed"];
	    }
	}
	export class DeleteResult {
	    revoked: boolean;
	    note: string;
	    deleted: number;
	
	    static createFrom(source: any = {}) {
	        return new DeleteResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.revoked = source["revoked"];
	        this.note = source["note"];
	        this.deleted = source["deleted"];
	    }
	}
	export class FixTarget {
	    account_id: string;
	    label: string;
	    client_name: string;
	    status: string;
	
	    static createFrom(source: any = {}) {
	        return new FixTarget(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.account_id = source["account_id"];
	        this.label = source["label"];
	        this.client_name = source["client_name"];
	        this.status = source["status"];
	    }
	}
	export class FixStep {
	    account_id: string;
	    also: string[];
	    label: string;
	    client_name: string;
	    provider: string;
	    provider_name: string;
	    who: string;
	    imported: boolean;
	    fixes: FixTarget[];
	    blocked: string;
	
	    static createFrom(source: any = {}) {
	        return new FixStep(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.account_id = source["account_id"];
	        this.also = source["also"];
	        this.label = source["label"];
	        this.client_name = source["client_name"];
	        this.provider = source["provider"];
	        this.provider_name = source["provider_name"];
	        this.who = source["who"];
	        this.imported = source["imported"];
	        this.fixes = this.convertValues(source["fixes"], FixTarget);
	        this.blocked = source["blocked"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class FixPlan {
	    steps: FixStep[];
	    accounts: number;
	
	    static createFrom(source: any = {}) {
	        return new FixPlan(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.steps = this.convertValues(source["steps"], FixStep);
	        this.accounts = source["accounts"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	

}

export namespace backend {
	
	export class QuietHours {
	    enabled: boolean;
	    start: string;
	    end: string;
	
	    static createFrom(source: any = {}) {
	        return new QuietHours(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.enabled = source["enabled"];
	        this.start = source["start"];
	        this.end = source["end"];
	    }
	}
	export class ReportSettings {
	    sender_name: string;
	    accent: string;
	    logo: string;
	    client_view: boolean;
	    paper: string;
	
	    static createFrom(source: any = {}) {
	        return new ReportSettings(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.sender_name = source["sender_name"];
	        this.accent = source["accent"];
	        this.logo = source["logo"];
	        this.client_view = source["client_view"];
	        this.paper = source["paper"];
	    }
	}
	export class Settings {
	    enabled: boolean;
	    thresholds: number[];
	    quiet_hours: QuietHours;
	    start_at_login: boolean;
	    warning_days: number;
	
	    static createFrom(source: any = {}) {
	        return new Settings(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.enabled = source["enabled"];
	        this.thresholds = source["thresholds"];
	        this.quiet_hours = this.convertValues(source["quiet_hours"], QuietHours);
	        this.start_at_login = source["start_at_login"];
	        this.warning_days = source["warning_days"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}

}

export namespace history {
	
	export class Interval {
	    state: string;
	    // Go type: time
	    start: any;
	    // Go type: time
	    end: any;
	    ongoing: boolean;
	    reason?: string;
	    reasons?: string[];
	    start_event_id: number;
	    end_event_id: number;
	    end_kind?: string;
	
	    static createFrom(source: any = {}) {
	        return new Interval(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.state = source["state"];
	        this.start = this.convertValues(source["start"], null);
	        this.end = this.convertValues(source["end"], null);
	        this.ongoing = source["ongoing"];
	        this.reason = source["reason"];
	        this.reasons = source["reasons"];
	        this.start_event_id = source["start_event_id"];
	        this.end_event_id = source["end_event_id"];
	        this.end_kind = source["end_kind"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Action {
	    // Go type: time
	    time: any;
	    account_id: string;
	    account_label: string;
	    provider: string;
	    kind: string;
	    outcome: string;
	    message: string;
	
	    static createFrom(source: any = {}) {
	        return new Action(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.time = this.convertValues(source["time"], null);
	        this.account_id = source["account_id"];
	        this.account_label = source["account_label"];
	        this.provider = source["provider"];
	        this.kind = source["kind"];
	        this.outcome = source["outcome"];
	        this.message = source["message"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Incident {
	    account_id: string;
	    account_label: string;
	    provider: string;
	    client_id: string;
	    client_name: string;
	    // Go type: time
	    start: any;
	    // Go type: time
	    end?: any;
	    ongoing: boolean;
	    duration: number;
	    reason: string;
	    reasons: string[];
	    explanation: string;
	    ended_by?: string;
	    start_event_id: number;
	    end_event_id: number;
	
	    static createFrom(source: any = {}) {
	        return new Incident(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.account_id = source["account_id"];
	        this.account_label = source["account_label"];
	        this.provider = source["provider"];
	        this.client_id = source["client_id"];
	        this.client_name = source["client_name"];
	        this.start = this.convertValues(source["start"], null);
	        this.end = this.convertValues(source["end"], null);
	        this.ongoing = source["ongoing"];
	        this.duration = source["duration"];
	        this.reason = source["reason"];
	        this.reasons = source["reasons"];
	        this.explanation = source["explanation"];
	        this.ended_by = source["ended_by"];
	        this.start_event_id = source["start_event_id"];
	        this.end_event_id = source["end_event_id"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class AccountHealth {
	    account_id: string;
	    label: string;
	    provider: string;
	    client_id: string;
	    // Go type: time
	    created?: any;
	    // Go type: time
	    monitored_from?: any;
	    // Go type: time
	    monitored_since?: any;
	    // Go type: time
	    deleted?: any;
	    state: string;
	    reason: string;
	    // Go type: time
	    deadline?: any;
	    existed: number;
	    monitored: number;
	    healthy: number;
	    broken: number;
	    uptime_pct?: number;
	    uptime_30d_pct?: number;
	    uptime_90d_pct?: number;
	    incidents: Incident[];
	    actions: Action[];
	    needs_attention: boolean;
	    intervals: Interval[];
	
	    static createFrom(source: any = {}) {
	        return new AccountHealth(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.account_id = source["account_id"];
	        this.label = source["label"];
	        this.provider = source["provider"];
	        this.client_id = source["client_id"];
	        this.created = this.convertValues(source["created"], null);
	        this.monitored_from = this.convertValues(source["monitored_from"], null);
	        this.monitored_since = this.convertValues(source["monitored_since"], null);
	        this.deleted = this.convertValues(source["deleted"], null);
	        this.state = source["state"];
	        this.reason = source["reason"];
	        this.deadline = this.convertValues(source["deadline"], null);
	        this.existed = source["existed"];
	        this.monitored = source["monitored"];
	        this.healthy = source["healthy"];
	        this.broken = source["broken"];
	        this.uptime_pct = source["uptime_pct"];
	        this.uptime_30d_pct = source["uptime_30d_pct"];
	        this.uptime_90d_pct = source["uptime_90d_pct"];
	        this.incidents = this.convertValues(source["incidents"], Incident);
	        this.actions = this.convertValues(source["actions"], Action);
	        this.needs_attention = source["needs_attention"];
	        this.intervals = this.convertValues(source["intervals"], Interval);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	export class Period {
	    // Go type: time
	    from: any;
	    // Go type: time
	    to: any;
	
	    static createFrom(source: any = {}) {
	        return new Period(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.from = this.convertValues(source["from"], null);
	        this.to = this.convertValues(source["to"], null);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ClientHealth {
	    client_id: string;
	    client_name: string;
	    period: Period;
	    // Go type: time
	    generated_at: any;
	    accounts: AccountHealth[];
	    uptime_pct?: number;
	    uptime_30d_pct?: number;
	    uptime_90d_pct?: number;
	    all_working_pct?: number;
	    incidents: Incident[];
	    mean_time_to_reconnect?: number;
	    resolved_incidents: number;
	    needs_attention: string[];
	    actions: Action[];
	
	    static createFrom(source: any = {}) {
	        return new ClientHealth(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.client_id = source["client_id"];
	        this.client_name = source["client_name"];
	        this.period = this.convertValues(source["period"], Period);
	        this.generated_at = this.convertValues(source["generated_at"], null);
	        this.accounts = this.convertValues(source["accounts"], AccountHealth);
	        this.uptime_pct = source["uptime_pct"];
	        this.uptime_30d_pct = source["uptime_30d_pct"];
	        this.uptime_90d_pct = source["uptime_90d_pct"];
	        this.all_working_pct = source["all_working_pct"];
	        this.incidents = this.convertValues(source["incidents"], Incident);
	        this.mean_time_to_reconnect = source["mean_time_to_reconnect"];
	        this.resolved_incidents = source["resolved_incidents"];
	        this.needs_attention = source["needs_attention"];
	        this.actions = this.convertValues(source["actions"], Action);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ClientIncidentWeeks {
	    client_id: string;
	    client_name: string;
	    counts: number[];
	    total: number;
	
	    static createFrom(source: any = {}) {
	        return new ClientIncidentWeeks(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.client_id = source["client_id"];
	        this.client_name = source["client_name"];
	        this.counts = source["counts"];
	        this.total = source["total"];
	    }
	}
	export class ClientOverview {
	    client_id: string;
	    client_name: string;
	    uptime_pct?: number;
	    incidents: number;
	    ongoing: number;
	    needs_attention: number;
	    accounts: number;
	
	    static createFrom(source: any = {}) {
	        return new ClientOverview(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.client_id = source["client_id"];
	        this.client_name = source["client_name"];
	        this.uptime_pct = source["uptime_pct"];
	        this.incidents = source["incidents"];
	        this.ongoing = source["ongoing"];
	        this.needs_attention = source["needs_attention"];
	        this.accounts = source["accounts"];
	    }
	}
	export class Deadline {
	    account_id: string;
	    client_id: string;
	    client_name: string;
	    provider: string;
	    provider_name: string;
	    label: string;
	    // Go type: time
	    by: any;
	    status: string;
	    broken_now: boolean;
	    reason?: string;
	    problem?: string;
	
	    static createFrom(source: any = {}) {
	        return new Deadline(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.account_id = source["account_id"];
	        this.client_id = source["client_id"];
	        this.client_name = source["client_name"];
	        this.provider = source["provider"];
	        this.provider_name = source["provider_name"];
	        this.label = source["label"];
	        this.by = this.convertValues(source["by"], null);
	        this.status = source["status"];
	        this.broken_now = source["broken_now"];
	        this.reason = source["reason"];
	        this.problem = source["problem"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	
	
	export class SavedReport {
	    client_id: string;
	    client_name: string;
	    path: string;
	    format: string;
	    accounts: number;
	    incidents: number;
	
	    static createFrom(source: any = {}) {
	        return new SavedReport(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.client_id = source["client_id"];
	        this.client_name = source["client_name"];
	        this.path = source["path"];
	        this.format = source["format"];
	        this.accounts = source["accounts"];
	        this.incidents = source["incidents"];
	    }
	}

}

export namespace main {
	
	export class AccountView {
	    id: string;
	    client_id: string;
	    client_name: string;
	    provider: string;
	    provider_name: string;
	    label: string;
	    status: string;
	    expires_at: string;
	    expires_phrase: string;
	    has_refresh_token: boolean;
	    reason: string;
	    created_at: string;
	    kind: string;
	    parent_id: string;
	    identity_name: string;
	    identity_email: string;
	    identity_handle: string;
	    scopes: string[];
	    connected_at: string;
	    connected: boolean;
	    renews: boolean;
	    reconnect_by: string;
	    reconnect_phrase: string;
	    last_checked_at: string;
	    last_checked_phrase: string;
	    next_check_at: string;
	    problem: string;
	    action: string;
	    last_error: string;
	    check_problem: string;
	    unverified_since: string;
	    usage: Record<string, string>;
	    snoozed_until: string;
	    needs_attention: boolean;
	    fixes: string[];
	    lost_by_login: boolean;
	    status_changes_at: string;
	
	    static createFrom(source: any = {}) {
	        return new AccountView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.client_id = source["client_id"];
	        this.client_name = source["client_name"];
	        this.provider = source["provider"];
	        this.provider_name = source["provider_name"];
	        this.label = source["label"];
	        this.status = source["status"];
	        this.expires_at = source["expires_at"];
	        this.expires_phrase = source["expires_phrase"];
	        this.has_refresh_token = source["has_refresh_token"];
	        this.reason = source["reason"];
	        this.created_at = source["created_at"];
	        this.kind = source["kind"];
	        this.parent_id = source["parent_id"];
	        this.identity_name = source["identity_name"];
	        this.identity_email = source["identity_email"];
	        this.identity_handle = source["identity_handle"];
	        this.scopes = source["scopes"];
	        this.connected_at = source["connected_at"];
	        this.connected = source["connected"];
	        this.renews = source["renews"];
	        this.reconnect_by = source["reconnect_by"];
	        this.reconnect_phrase = source["reconnect_phrase"];
	        this.last_checked_at = source["last_checked_at"];
	        this.last_checked_phrase = source["last_checked_phrase"];
	        this.next_check_at = source["next_check_at"];
	        this.problem = source["problem"];
	        this.action = source["action"];
	        this.last_error = source["last_error"];
	        this.check_problem = source["check_problem"];
	        this.unverified_since = source["unverified_since"];
	        this.usage = source["usage"];
	        this.snoozed_until = source["snoozed_until"];
	        this.needs_attention = source["needs_attention"];
	        this.fixes = source["fixes"];
	        this.lost_by_login = source["lost_by_login"];
	        this.status_changes_at = source["status_changes_at"];
	    }
	}
	export class EventView {
	    id: number;
	    time: string;
	    time_phrase: string;
	    client_name: string;
	    account_id: string;
	    account_label: string;
	    provider: string;
	    kind: string;
	    outcome: string;
	    reason: string;
	    message: string;
	
	    static createFrom(source: any = {}) {
	        return new EventView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.time = source["time"];
	        this.time_phrase = source["time_phrase"];
	        this.client_name = source["client_name"];
	        this.account_id = source["account_id"];
	        this.account_label = source["account_label"];
	        this.provider = source["provider"];
	        this.kind = source["kind"];
	        this.outcome = source["outcome"];
	        this.reason = source["reason"];
	        this.message = source["message"];
	    }
	}
	export class ActivityDay {
	    day: string;
	    events: EventView[];
	
	    static createFrom(source: any = {}) {
	        return new ActivityDay(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.day = source["day"];
	        this.events = this.convertValues(source["events"], EventView);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ActivityPage {
	    days: ActivityDay[];
	    next_before_id: number;
	    routine_hidden: boolean;
	
	    static createFrom(source: any = {}) {
	        return new ActivityPage(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.days = this.convertValues(source["days"], ActivityDay);
	        this.next_before_id = source["next_before_id"];
	        this.routine_hidden = source["routine_hidden"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class BackupView {
	    file: string;
	    created_at: string;
	    clients: number;
	    accounts: number;
	    secrets: number;
	
	    static createFrom(source: any = {}) {
	        return new BackupView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.file = source["file"];
	        this.created_at = source["created_at"];
	        this.clients = source["clients"];
	        this.accounts = source["accounts"];
	        this.secrets = source["secrets"];
	    }
	}
	export class ClientGroup {
	    id: string;
	    name: string;
	    contact: string;
	    notes: string;
	    accounts: AccountView[];
	
	    static createFrom(source: any = {}) {
	        return new ClientGroup(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.contact = source["contact"];
	        this.notes = source["notes"];
	        this.accounts = this.convertValues(source["accounts"], AccountView);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ClientView {
	    id: string;
	    name: string;
	    contact: string;
	    notes: string;
	
	    static createFrom(source: any = {}) {
	        return new ClientView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.contact = source["contact"];
	        this.notes = source["notes"];
	    }
	}
	export class ConnectForm {
	    client_id: string;
	    provider: string;
	    label: string;
	    scopes: string[];
	
	    static createFrom(source: any = {}) {
	        return new ConnectForm(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.client_id = source["client_id"];
	        this.provider = source["provider"];
	        this.label = source["label"];
	        this.scopes = source["scopes"];
	    }
	}
	export class ConnectResultView {
	    account: AccountView;
	    children: AccountView[];
	    lost: AccountView[];
	    changes: accounts.Changes;
	    also: AccountView[];
	    not_fixed: string[];
	
	    static createFrom(source: any = {}) {
	        return new ConnectResultView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.account = this.convertValues(source["account"], AccountView);
	        this.children = this.convertValues(source["children"], AccountView);
	        this.lost = this.convertValues(source["lost"], AccountView);
	        this.changes = this.convertValues(source["changes"], accounts.Changes);
	        this.also = this.convertValues(source["also"], AccountView);
	        this.not_fixed = source["not_fixed"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class CustomProviderForm {
	    id: string;
	    name: string;
	    issuer: string;
	    scopes: string;
	    client_id: string;
	    client_secret: string;
	
	    static createFrom(source: any = {}) {
	        return new CustomProviderForm(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.issuer = source["issuer"];
	        this.scopes = source["scopes"];
	        this.client_id = source["client_id"];
	        this.client_secret = source["client_secret"];
	    }
	}
	export class DataFolderView {
	    data_dir: string;
	    empty: boolean;
	
	    static createFrom(source: any = {}) {
	        return new DataFolderView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.data_dir = source["data_dir"];
	        this.empty = source["empty"];
	    }
	}
	
	export class HistoryFilter {
	    client_id: string;
	    account_id: string;
	    provider: string;
	    kind: string;
	    outcome: string;
	    since: string;
	    until: string;
	    query: string;
	    before_id: number;
	    limit: number;
	
	    static createFrom(source: any = {}) {
	        return new HistoryFilter(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.client_id = source["client_id"];
	        this.account_id = source["account_id"];
	        this.provider = source["provider"];
	        this.kind = source["kind"];
	        this.outcome = source["outcome"];
	        this.since = source["since"];
	        this.until = source["until"];
	        this.query = source["query"];
	        this.before_id = source["before_id"];
	        this.limit = source["limit"];
	    }
	}
	export class ExportRequest {
	    format: string;
	    filter: HistoryFilter;
	    client_id: string;
	    days: number;
	
	    static createFrom(source: any = {}) {
	        return new ExportRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.format = source["format"];
	        this.filter = this.convertValues(source["filter"], HistoryFilter);
	        this.client_id = source["client_id"];
	        this.days = source["days"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	export class HistoryPage {
	    events: EventView[];
	    next_before_id: number;
	
	    static createFrom(source: any = {}) {
	        return new HistoryPage(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.events = this.convertValues(source["events"], EventView);
	        this.next_before_id = source["next_before_id"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ImportForm {
	    client_id: string;
	    provider: string;
	    label: string;
	    access_token: string;
	    refresh_token: string;
	    expires_at: string;
	    replace: boolean;
	
	    static createFrom(source: any = {}) {
	        return new ImportForm(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.client_id = source["client_id"];
	        this.provider = source["provider"];
	        this.label = source["label"];
	        this.access_token = source["access_token"];
	        this.refresh_token = source["refresh_token"];
	        this.expires_at = source["expires_at"];
	        this.replace = source["replace"];
	    }
	}
	export class ImportResult {
	    account?: AccountView;
	    duplicate?: AccountView;
	
	    static createFrom(source: any = {}) {
	        return new ImportResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.account = this.convertValues(source["account"], AccountView);
	        this.duplicate = this.convertValues(source["duplicate"], AccountView);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class IncidentChart {
	    weeks: string[];
	    week_labels: string[];
	    clients: history.ClientIncidentWeeks[];
	
	    static createFrom(source: any = {}) {
	        return new IncidentChart(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.weeks = source["weeks"];
	        this.week_labels = source["week_labels"];
	        this.clients = this.convertValues(source["clients"], history.ClientIncidentWeeks);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class StatusCounts {
	    total: number;
	    healthy: number;
	    expiring: number;
	    expired: number;
	    invalid: number;
	    unknown: number;
	
	    static createFrom(source: any = {}) {
	        return new StatusCounts(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.total = source["total"];
	        this.healthy = source["healthy"];
	        this.expiring = source["expiring"];
	        this.expired = source["expired"];
	        this.invalid = source["invalid"];
	        this.unknown = source["unknown"];
	    }
	}
	export class ProviderView {
	    id: string;
	    name: string;
	    child_assets: string;
	
	    static createFrom(source: any = {}) {
	        return new ProviderView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.child_assets = source["child_assets"];
	    }
	}
	export class Overview {
	    groups: ClientGroup[];
	    providers: ProviderView[];
	    keychain_problem: string;
	    warnings: string[];
	    data_dir: string;
	    counts: StatusCounts;
	
	    static createFrom(source: any = {}) {
	        return new Overview(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.groups = this.convertValues(source["groups"], ClientGroup);
	        this.providers = this.convertValues(source["providers"], ProviderView);
	        this.keychain_problem = source["keychain_problem"];
	        this.warnings = source["warnings"];
	        this.data_dir = source["data_dir"];
	        this.counts = this.convertValues(source["counts"], StatusCounts);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ScopeView {
	    name: string;
	    purpose: string;
	
	    static createFrom(source: any = {}) {
	        return new ScopeView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.purpose = source["purpose"];
	    }
	}
	export class ProviderSetup {
	    id: string;
	    name: string;
	    child_assets: string;
	    custom: boolean;
	    configured: boolean;
	    missing_setup: string;
	    client_id: string;
	    has_secret: boolean;
	    needs_secret: boolean;
	    redirect_uri: string;
	    setup: string;
	    console_url: string;
	    scopes: ScopeView[];
	
	    static createFrom(source: any = {}) {
	        return new ProviderSetup(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.child_assets = source["child_assets"];
	        this.custom = source["custom"];
	        this.configured = source["configured"];
	        this.missing_setup = source["missing_setup"];
	        this.client_id = source["client_id"];
	        this.has_secret = source["has_secret"];
	        this.needs_secret = source["needs_secret"];
	        this.redirect_uri = source["redirect_uri"];
	        this.setup = source["setup"];
	        this.console_url = source["console_url"];
	        this.scopes = this.convertValues(source["scopes"], ScopeView);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	export class ReportPeriod {
	    id: string;
	    label: string;
	
	    static createFrom(source: any = {}) {
	        return new ReportPeriod(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.label = source["label"];
	    }
	}
	export class ReportRequest {
	    client_id: string;
	    period: string;
	    format: string;
	
	    static createFrom(source: any = {}) {
	        return new ReportRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.client_id = source["client_id"];
	        this.period = source["period"];
	        this.format = source["format"];
	    }
	}
	export class ReportsSaved {
	    folder: string;
	    reports: history.SavedReport[];
	
	    static createFrom(source: any = {}) {
	        return new ReportsSaved(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.folder = source["folder"];
	        this.reports = this.convertValues(source["reports"], history.SavedReport);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class RestoreView {
	    data_dir: string;
	    moved_aside: string;
	    backup_created_at: string;
	    app_version: string;
	    clients: number;
	    accounts: number;
	    secrets: number;
	    checks?: monitor.Summary;
	    check_error: string;
	
	    static createFrom(source: any = {}) {
	        return new RestoreView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.data_dir = source["data_dir"];
	        this.moved_aside = source["moved_aside"];
	        this.backup_created_at = source["backup_created_at"];
	        this.app_version = source["app_version"];
	        this.clients = source["clients"];
	        this.accounts = source["accounts"];
	        this.secrets = source["secrets"];
	        this.checks = this.convertValues(source["checks"], monitor.Summary);
	        this.check_error = source["check_error"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ScheduleForm {
	    enabled: boolean;
	    folder: string;
	    keep: number;
	    every_hours: number;
	    passphrase: string;
	
	    static createFrom(source: any = {}) {
	        return new ScheduleForm(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.enabled = source["enabled"];
	        this.folder = source["folder"];
	        this.keep = source["keep"];
	        this.every_hours = source["every_hours"];
	        this.passphrase = source["passphrase"];
	    }
	}
	export class ScheduleView {
	    enabled: boolean;
	    folder: string;
	    keep: number;
	    every_hours: number;
	    last_run_at: string;
	    last_file: string;
	    last_error: string;
	    next_at: string;
	
	    static createFrom(source: any = {}) {
	        return new ScheduleView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.enabled = source["enabled"];
	        this.folder = source["folder"];
	        this.keep = source["keep"];
	        this.every_hours = source["every_hours"];
	        this.last_run_at = source["last_run_at"];
	        this.last_file = source["last_file"];
	        this.last_error = source["last_error"];
	        this.next_at = source["next_at"];
	    }
	}
	
	
	export class TokenForm {
	    access_token: string;
	    refresh_token: string;
	    expires_at: string;
	
	    static createFrom(source: any = {}) {
	        return new TokenForm(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.access_token = source["access_token"];
	        this.refresh_token = source["refresh_token"];
	        this.expires_at = source["expires_at"];
	    }
	}

}

export namespace monitor {
	
	export class Result {
	    account_id: string;
	    label: string;
	    client_id: string;
	    client_name: string;
	    provider: string;
	    before: string;
	    after: string;
	    refreshed: boolean;
	    verdict: string;
	    reason: string;
	    message: string;
	    findings: string[];
	    // Go type: time
	    next_check_at?: any;
	    skipped: boolean;
	    error?: string;
	
	    static createFrom(source: any = {}) {
	        return new Result(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.account_id = source["account_id"];
	        this.label = source["label"];
	        this.client_id = source["client_id"];
	        this.client_name = source["client_name"];
	        this.provider = source["provider"];
	        this.before = source["before"];
	        this.after = source["after"];
	        this.refreshed = source["refreshed"];
	        this.verdict = source["verdict"];
	        this.reason = source["reason"];
	        this.message = source["message"];
	        this.findings = source["findings"];
	        this.next_check_at = this.convertValues(source["next_check_at"], null);
	        this.skipped = source["skipped"];
	        this.error = source["error"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Summary {
	    checked: number;
	    renewed: number;
	    attention: number;
	    results: Result[];
	
	    static createFrom(source: any = {}) {
	        return new Summary(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.checked = source["checked"];
	        this.renewed = source["renewed"];
	        this.attention = source["attention"];
	        this.results = this.convertValues(source["results"], Result);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}

}

