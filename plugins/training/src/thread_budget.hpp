// ThreadBudget: the threads a training run may use — LibTorch's intra-op (OpenMP) threads and
// OpenBLAS's own pool — set together, explicitly, so that the two pools never fight over the
// cores. (Measured on a 2-CPU machine: a 30→64→3 MLP trains at 1.6 M samples/s with one BLAS
// thread and at 0.35–0.5 M when OpenBLAS's default pool spins against LibTorch's.)
//
// BLAS: ktrdr_training_torch links libopenblas.so.0 directly, so OpenBLAS is a direct
// dependency of every program that trains. The dynamic linker then finds OpenBLAS's sgemm_
// (what LibTorch's matrix products call) before the one of libblas.so.3, which LibTorch only
// pulls in indirectly: the process uses OpenBLAS whichever libblas.so.3 alternative the system
// has selected (Debian's reference BLAS, when it is the selected one, trains the benchmark MLP
// 4× slower). active_blas_library() says which library actually serves sgemm_. Its thread
// count is set at run time with openblas_set_num_threads, which works whenever it is called
// (OPENBLAS_NUM_THREADS would have to be in the environment before the library loads, i.e.
// before main).
#pragma once

#include <string>

#include "ktrdr/sdk/json.hpp"

namespace ktrdr::training {

struct ThreadBudget {
  int intra_op_threads = 1;  // LibTorch intra-op threads (at::set_num_threads); >= 1
  int blas_threads = 1;      // OpenBLAS threads (openblas_set_num_threads); >= 1

  // `threads` LibTorch threads and one BLAS thread: the products of a small MLP are too small
  // for a second parallel layer to pay, and one BLAS thread cannot oversubscribe the cores.
  static ThreadBudget for_threads(int threads) noexcept;

  Json to_json() const;  // {"intra_op_threads", "blas_threads"}
};

// What apply_thread_budget left in effect, read back from LibTorch and OpenBLAS.
struct AppliedThreadBudget {
  int intra_op_threads = 0;  // at::get_num_threads()
  int blas_threads = 0;      // openblas_get_num_threads()
  std::string blas_library;  // active_blas_library()
  std::string blas_config;   // openblas_get_config(), e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH …"

  Json to_json() const;  // the four fields
};

// Sets LibTorch's intra-op threads and OpenBLAS's threads (values below 1 count as 1).
// OpenBLAS's count is process-wide. LibTorch's is process-wide too, but with its OpenMP backend
// a thread's parallel regions use the count set *on that thread*: call this on the thread that
// trains (LocalTrainer::train does, at its start). Not to be called while another thread runs
// LibTorch or OpenBLAS work with a different budget.
AppliedThreadBudget apply_thread_budget(const ThreadBudget& budget);

// The file of the shared library whose sgemm_ this process calls (what LibTorch's float matrix
// products use), e.g. "/usr/lib/x86_64-linux-gnu/libopenblas.so.0"; "" when none is loaded.
std::string active_blas_library();

}  // namespace ktrdr::training
