/// What one Switchboard process does. Several nodes on one PostgreSQL database can split the work:
/// `web` nodes serve HTTP and sockets, `worker` nodes run the job queue, `all` does both.
public enum NodeRole: String, Sendable, CaseIterable {
    case web, worker, all

    var servesAPI: Bool { self != .worker }
    var runsJobs: Bool { self != .web }
}
