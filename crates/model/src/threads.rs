//! Whether the core may use a second thread.
//!
//! The core runs the same code natively (the CLI, on CI machines of a few cores) and in
//! WebAssembly (the app's worker, which has one thread). Where a step splits into two
//! independent halves, it runs them on two threads when [`has_spare_core`] says so and one
//! after the other otherwise: the result is the same either way, only the time differs.

/// True natively on a machine of two cores or more; false in WebAssembly, where
/// `available_parallelism` is unsupported and no thread can be started.
pub fn has_spare_core() -> bool {
    std::thread::available_parallelism().is_ok_and(|cores| cores.get() > 1)
}

/// Runs `a` and `b`, on two threads when there is a spare core, else one after the other, and
/// returns both results. A panic in either is the caller's panic, as it would be on one thread.
pub fn join<A: Send, B: Send>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B + Send) -> (A, B) {
    if !has_spare_core() {
        return (a(), b());
    }
    std::thread::scope(|scope| {
        let a = scope.spawn(a);
        let b = b();
        (a.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)), b)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_returns_both_results_in_order() {
        let data = [1, 2, 3];
        assert_eq!(join(|| data.iter().sum::<i32>(), || data.len()), (6, 3));
    }
}
