#include "thread_budget.hpp"

#include <dlfcn.h>

#include <ATen/Parallel.h>
#include <algorithm>

// OpenBLAS's own interface (declared here: Debian's runtime package ships no header). Calling
// these directly makes libopenblas.so.0 a real link dependency, kept under --as-needed.
extern "C" {
void openblas_set_num_threads(int threads);
int openblas_get_num_threads(void);
char* openblas_get_config(void);
}

namespace ktrdr::training {

ThreadBudget ThreadBudget::for_threads(int threads) noexcept {
  return {.intra_op_threads = std::max(threads, 1), .blas_threads = 1};
}

Json ThreadBudget::to_json() const {
  Json json = Json::object();
  json.set("intra_op_threads", intra_op_threads);
  json.set("blas_threads", blas_threads);
  return json;
}

Json AppliedThreadBudget::to_json() const {
  Json json = Json::object();
  json.set("intra_op_threads", intra_op_threads);
  json.set("blas_threads", blas_threads);
  json.set("blas_library", blas_library);
  json.set("blas_config", blas_config);
  return json;
}

AppliedThreadBudget apply_thread_budget(const ThreadBudget& budget) {
  // OpenBLAS first: its pool is resized (threads parked or started) before LibTorch's OpenMP
  // team is, so the two never both run more threads than the budget.
  openblas_set_num_threads(std::max(budget.blas_threads, 1));
  // at::set_num_threads stores the count and sets this thread's OpenMP count.
  at::set_num_threads(std::max(budget.intra_op_threads, 1));
  AppliedThreadBudget applied;
  applied.intra_op_threads = at::get_num_threads();
  applied.blas_threads = openblas_get_num_threads();
  applied.blas_library = active_blas_library();
  const char* config = openblas_get_config();
  applied.blas_config = config != nullptr ? config : "";
  return applied;
}

std::string active_blas_library() {
  // The definition the global lookup finds first is the one LibTorch's references bound to.
  void* const symbol = ::dlsym(RTLD_DEFAULT, "sgemm_");
  Dl_info info{};
  if (symbol == nullptr || ::dladdr(symbol, &info) == 0 || info.dli_fname == nullptr) return {};
  return info.dli_fname;
}

}  // namespace ktrdr::training
