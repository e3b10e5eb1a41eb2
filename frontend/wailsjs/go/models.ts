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
	    }
	}
	export class ClientGroup {
	    id: string;
	    name: string;
	    accounts: AccountView[];
	
	    static createFrom(source: any = {}) {
	        return new ClientGroup(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
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
	
	    static createFrom(source: any = {}) {
	        return new ClientView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
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
	export class ImportForm {
	    client_id: string;
	    provider: string;
	    label: string;
	    access_token: string;
	    refresh_token: string;
	    expires_at: string;
	
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
	
	    static createFrom(source: any = {}) {
	        return new ProviderView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	    }
	}
	export class Overview {
	    groups: ClientGroup[];
	    providers: ProviderView[];
	    keychain_problem: string;
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
	

}

