// MlpModel: the strategy's multi-layer perceptron as a LibTorch module —
// [Linear → activation → Dropout] × hidden layers → Linear(3) — producing one logit per label
// (BUY, HOLD, SELL), optionally with a learned embedding of each row's symbol appended to its
// features (KTRDR's multi-symbol MLP). Initialisation is deterministic from a seed (LibTorch's
// default Linear initialisation, U(±1/√fan_in) for weights and biases, drawn from a generator of
// its own), and so are dropout masks: the module holds its own generator, so nothing depends on
// LibTorch's global one. Thread-compatible, like any torch::nn::Module. Also what running it over a
// FeatureMatrix shares between training and analysis: checking the rows, viewing them as
// tensors, and the (weighted) loss and accuracy over them.
#pragma once

#include <ATen/core/Generator.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "feature_matrix.hpp"
#include "ktrdr/sdk/cancellation_token.hpp"
#include "ktrdr/sdk/json.hpp"
#include "ktrdr/sdk/result.hpp"
#include "strategy.hpp"

namespace ktrdr::training {

// Where a model trains and runs: the CPU, a CUDA device, or CUDA when LibTorch sees one.
enum class DeviceKind { kAuto, kCpu, kCuda };
std::string_view to_string(DeviceKind device) noexcept;  // "auto", "cpu", "cuda"
// "auto" / "cpu" / "cuda" → the kind; invalid_argument otherwise.
Result<DeviceKind> parse_device_kind(std::string_view name);
// The device a kind stands for here. unavailable for kCuda without a usable CUDA device.
Result<torch::Device> resolve_device(DeviceKind device);

struct MlpArchitecture {
  int inputs = 0;                  // features per row
  std::vector<int> hidden_layers;  // units per hidden layer, in order
  Activation activation = Activation::kRelu;
  double dropout = 0.0;  // probability of zeroing a hidden unit while training, in [0, 1)
  int outputs = static_cast<int>(kLabelCount);
  // The symbol embedding: each symbol's vector of symbol_embedding_dim learned values is
  // appended to its rows' features. None when symbol_embedding_dim is 0.
  int symbol_embedding_dim = 0;
  std::vector<std::string> symbols;  // the symbols it knows, in embedding order

  // The architecture `spec` declares for rows of `inputs` features of `symbols` (used only
  // with a symbol embedding).
  static MlpArchitecture from_spec(const ModelSpec& spec, int inputs,
                                   const std::vector<std::string>& symbols);
  // invalid_argument unless inputs, outputs and every hidden layer are >= 1, dropout is in
  // [0, 1), and a symbol embedding has at least one symbol, each named once.
  Result<void> validate() const;

  // {"inputs", "hidden_layers": [..], "activation": "relu", "dropout", "outputs"}, plus
  // "symbol_embedding_dim" and "symbols" with a symbol embedding
  Json to_json() const;
  // Inverse of to_json, validated; parse errors name the field.
  static Result<MlpArchitecture> from_json(const Json& json);

  bool operator==(const MlpArchitecture&) const = default;
};

class MlpModelImpl : public torch::nn::Module {
 public:
  // Precondition: architecture.validate() succeeds. Parameters are created on the CPU; move
  // the module with ->to(device).
  MlpModelImpl(MlpArchitecture architecture, std::uint64_t seed);

  // [rows, inputs] float → [rows, outputs] logits. Applies dropout only in training mode. With a
  // symbol embedding `symbols` is each row's index into architecture().symbols ([rows] int64,
  // symbol_ids()); without one it is ignored.
  torch::Tensor forward(const torch::Tensor& input, const torch::Tensor& symbols = {});

  const MlpArchitecture& architecture() const noexcept { return architecture_; }
  // Restarts the dropout masks' generator (it is seeded with the construction seed).
  void seed_dropout(std::uint64_t seed);

 private:
  MlpArchitecture architecture_;
  std::vector<torch::nn::Linear> layers_;  // hidden layers, then the output layer
  torch::nn::Embedding embedding_{nullptr};  // the symbol embedding, when there is one
  at::Generator dropout_generator_;        // CPU generator for masks (CUDA: see forward)
};

// A shared handle to an MlpModelImpl (copies share the module), as LibTorch's modules are.
TORCH_MODULE(MlpModel);

// invalid_argument unless `m` has cols() values and one label in 0…2 per row; `name` ("train",
// "validation"…) starts the message.
Result<void> check_rows(const FeatureMatrix& m, std::string_view name);

// The rows as [rows, cols] float and [rows] int64 tensors over the matrix's own memory (read
// only: never write to them on the CPU), moved to `device` (a copy off the CPU).
std::pair<torch::Tensor, torch::Tensor> row_tensors(const FeatureMatrix& m, torch::Device device);

// Each row's index into the architecture's symbols ([rows] int64 on `device`), or an undefined
// tensor when the architecture has no symbol embedding. invalid_argument naming the first
// symbol of the rows that the model does not know.
Result<torch::Tensor> symbol_ids(const MlpArchitecture& architecture, const FeatureMatrix& m,
                                 torch::Device device);

// Σ weightsᵢ · cross-entropyᵢ over the rows of `logits` against `target`; every weight 1 when
// `weights` is undefined. Divided by Σ weightsᵢ it is PyTorch's weighted mean.
torch::Tensor weighted_cross_entropy_sum(const torch::Tensor& logits, const torch::Tensor& target,
                                         const torch::Tensor& weights);

struct RowsEvaluation {
  double loss = 0.0;      // Σ wᵢ · cross-entropyᵢ / Σ wᵢ
  double accuracy = 0.0;  // share of rows whose argmax is the label (unweighted)
};
// The model's loss and accuracy over rows x [rows, inputs] of symbols `symbols` (symbol_ids()),
// y [rows] (at least one), each row weighed by `weights` [rows] (undefined: 1), in eval mode
// without gradients, `chunk` rows per forward pass. Leaves the model in eval mode. Throws
// CancelledError (naming `where`) when `token` is cancelled, checked before each chunk.
RowsEvaluation evaluate_rows(MlpModelImpl& model, const torch::Tensor& x,
                             const torch::Tensor& symbols, const torch::Tensor& y,
                             const torch::Tensor& weights, std::int64_t chunk,
                             const CancellationToken& token, std::string_view where);

}  // namespace ktrdr::training
