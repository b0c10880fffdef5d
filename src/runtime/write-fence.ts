// The account lease as the executor sees it: a venue write starts only while the lease has its
// safety margin left on this process's monotonic clock. Absent (the embedded SQLite store, one
// host): the host-local lock files stand in for it and nothing is asked.
export interface WriteFence {
  safeToSubmit(): boolean;
}
