#include "solver/colgen.hpp"

#include <coin/ClpSimplex.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

#include "solver/coin_guard.hpp"

namespace so {

int certified_ceil(double z) { return std::max(0, static_cast<int>(std::ceil(z - kBoundEpsilon))); }

namespace {

const double kInf = COIN_DBL_MAX;

}  // namespace

MasterLp::MasterLp(int num_types, std::vector<int> row_types, std::vector<int> demand, bool partition,
                   std::optional<int> max_drivers, double artificial_cost)
    : model_(std::make_unique<ClpSimplex>()),
      num_types_(num_types),
      row_types_(std::move(row_types)),
      demand_(std::move(demand)),
      type_row_(static_cast<size_t>(num_types), -1),
      partition_(partition),
      max_drivers_(max_drivers) {
  guard_lp_slot(*model_, &stop_slot_);  // silent; polls the StopFn of the solve in progress
  model_->scaling(0);  // all coefficients are 1: scaling only costs time
  const int nrows = static_cast<int>(row_types_.size());
  for (int r = 0; r < nrows; ++r) type_row_[static_cast<size_t>(row_types_[static_cast<size_t>(r)])] = r;
  card_row_ = nrows;
  model_->resize(nrows + 1, 0);
  for (int r = 0; r < nrows; ++r) {
    model_->setRowLower(r, demand_[static_cast<size_t>(r)]);
    model_->setRowUpper(r, partition_ ? demand_[static_cast<size_t>(r)] : kInf);
  }
  model_->setRowLower(card_row_, -kInf);
  model_->setRowUpper(card_row_, max_drivers_ ? *max_drivers_ : kInf);
  model_->setOptimizationDirection(1);
  if (artificial_cost > 0) {
    n_art_ = nrows;
    for (int r = 0; r < nrows; ++r) {
      double one = 1.0;
      model_->addColumn(1, &r, &one, 0.0, kInf, artificial_cost);
    }
  }
}

MasterLp::~MasterLp() = default;

int MasterLp::find(const Column& col) const {
  auto it = index_.find(col);
  return it == index_.end() ? -1 : it->second;
}

int MasterLp::add_column(const Column& col, const std::vector<BlockPattern>& blocks, double cost) {
  std::vector<int> idx = add_columns({col}, blocks, {cost});
  return idx[0];
}

std::vector<int> MasterLp::add_columns(const std::vector<Column>& cols, const std::vector<BlockPattern>& blocks,
                                       const std::vector<double>& costs) {
  // One CLP call per batch: CLP copies its matrix on every add.
  std::vector<int> out;
  std::vector<CoinBigIndex> starts{0};
  std::vector<int> rows;
  std::vector<double> obj, lower, upper;
  std::map<Column, int> fresh;
  for (size_t c = 0; c < cols.size(); ++c) {
    const Column& col = cols[c];
    if (int i = find(col); i >= 0) {
      out.push_back(i);
      continue;
    }
    if (auto it = fresh.find(col); it != fresh.end()) {
      out.push_back(it->second);
      continue;
    }
    const size_t first = rows.size();
    for (int b : col) {
      const BlockPattern& bp = blocks[static_cast<size_t>(b)];
      for (int i = 0; i < bp.n; ++i) {
        int r = type_row_[static_cast<size_t>(bp.types[static_cast<size_t>(i)])];
        if (r >= 0) rows.push_back(r);
      }
    }
    rows.push_back(card_row_);
    std::sort(rows.begin() + static_cast<long>(first), rows.end());
    starts.push_back(static_cast<CoinBigIndex>(rows.size()));
    obj.push_back(costs[c]);
    lower.push_back(0.0);
    upper.push_back(kInf);
    const int idx = static_cast<int>(columns_.size());
    columns_.push_back(col);
    costs_.push_back(costs[c]);
    index_.emplace(col, idx);
    fresh.emplace(col, idx);
    out.push_back(idx);
  }
  const int added = static_cast<int>(obj.size());
  if (added == 0) return out;
  std::vector<double> ones(rows.size(), 1.0);
  const int before = model_->numberColumns();
  model_->addColumns(added, lower.data(), upper.data(), obj.data(), starts.data(), rows.data(), ones.data());
  if (solved_once_)
    for (int j = before; j < before + added; ++j) model_->setColumnStatus(j, ClpSimplex::atLowerBound);
  return out;
}

MasterLp::Status MasterLp::solve(const StopFn& stop, long max_iterations, double max_seconds) {
  stop_slot_ = &stop;
  model_->setMaximumIterations(static_cast<int>(std::min<long>(max_iterations, std::numeric_limits<int>::max())));
  model_->setMaximumSeconds(std::max(0.01, max_seconds));
  // Warm start: primal after new columns (the old basis stays primal feasible), dual after a
  // demand change (the old basis stays dual feasible). CLP picks from the status arrays.
  if (!solved_once_ || rhs_changed_)
    model_->dual();
  else
    model_->primal(0);
  solved_once_ = true;
  rhs_changed_ = false;
  iterations_ += model_->numberIterations();
  int st = model_->status();
  if (st == 0 || st == 1 || st == 3 || st == 5) stop_slot_ = nullptr;
  if (st == 0) return Status::Optimal;
  if (st == 1) return Status::Infeasible;
  if (st == 3 || st == 5) return Status::Stopped;
  // Numerical trouble: one clean retry from scratch.
  model_->allSlackBasis(true);
  model_->dual();
  iterations_ += model_->numberIterations();
  st = model_->status();
  stop_slot_ = nullptr;
  if (st == 0) return Status::Optimal;
  if (st == 1) return Status::Infeasible;
  return Status::Failed;
}

double MasterLp::objective() const { return model_->objectiveValue(); }

std::vector<double> MasterLp::type_duals() const {
  std::vector<double> d(static_cast<size_t>(num_types_), 0.0);
  const double* y = model_->dualRowSolution();
  for (size_t r = 0; r < row_types_.size(); ++r) {
    double v = y[r];
    if (!partition_) v = std::max(0.0, v);  // ≥ rows of a min problem: dual ≥ 0 (clip noise)
    d[static_cast<size_t>(row_types_[r])] = v;
  }
  return d;
}

double MasterLp::driver_dual() const {
  if (!max_drivers_) return 0.0;
  return std::min(0.0, model_->dualRowSolution()[card_row_]);
}

std::vector<double> MasterLp::values() const {
  const double* x = model_->primalColumnSolution();
  return std::vector<double>(x + n_art_, x + n_art_ + columns_.size());
}

double MasterLp::artificial_total() const {
  const double* x = model_->primalColumnSolution();
  double s = 0;
  for (int i = 0; i < n_art_; ++i) s += x[i];
  return s;
}

void MasterLp::set_demand(int row, int demand) {
  demand_[static_cast<size_t>(row)] = demand;
  rhs_changed_ = true;
  model_->setRowLower(row, demand);
  model_->setRowUpper(row, partition_ ? demand : kInf);
}

void MasterLp::set_max_drivers(std::optional<int> n) {
  max_drivers_ = n;
  rhs_changed_ = true;
  model_->setRowUpper(card_row_, n ? *n : kInf);
}

CgResult run_column_generation(MasterLp& lp, const Pricer& pricer, const std::vector<BlockPattern>& blocks,
                               const CgOptions& opt, const StopFn& stop) {
  CgResult res;
  const bool pure = pricer.cost() == driver_count_cost();
  // Bounds from the duals need the exact pricing minimum; a coarse (quantised) DP only finds columns.
  const bool exact = pricer.exact();
  res.exact_pricing = exact;
  const long it0 = lp.iterations();
  const size_t nrows = lp.row_types().size();
  double demand_sum = 0;
  for (int d : lp.demand()) demand_sum += d;
  // A valid lower bound on the LP optimum from any duals (weak duality).
  auto lagrangian = [&](const std::vector<double>& pi, double mu, const PricingResult& pr) {
    double dual_obj = 0;
    for (size_t r = 0; r < nrows; ++r) dual_obj += lp.demand()[r] * pi[static_cast<size_t>(lp.row_types()[r])];
    if (lp.max_drivers()) dual_obj += *lp.max_drivers() * mu;
    if (pure && !lp.partition()) return dual_obj / std::max(1.0, pr.best_dual_value);  // π / max(1, M) is dual feasible
    const double kappa = lp.max_drivers() ? *lp.max_drivers() : demand_sum;
    return dual_obj + kappa * std::min(0.0, pr.best_reduced_cost);
  };
  std::vector<double> center;
  double center_mu = 0, best_lagr = -1e300;
  int solves = 0;
  bool have_bound = false;
  while (true) {
    if (stop && stop()) {
      res.stopped = true;
      break;
    }
    // The work limit is checked between solves (a started solve runs to its end, so the master
    // always holds a solution of its current demand); the first solve always runs.
    const long left = opt.max_lp_iterations - (lp.iterations() - it0);
    if (left <= 0 && solves > 0) {
      res.work_limited = true;
      break;
    }
    MasterLp::Status st = lp.solve(stop, std::max(left, kMinSolveIterations), opt.max_seconds);
    ++solves;
    if (st == MasterLp::Status::Infeasible) {
      res.infeasible = true;
      break;
    }
    if (st != MasterLp::Status::Optimal) {
      // Stopped by the clock / cancel (the safety net), or a pathological solve hit its cap.
      if (stop && stop()) res.stopped = true;
      else res.work_limited = res.failed = true;
      break;
    }
    res.lp_value = lp.objective();
    const std::vector<double> pi = lp.type_duals();
    const double mu = lp.driver_dual();
    // Wentges smoothing: price at a convex combination of the best-bound duals and the current
    // ones; on a mis-price (no column improving the current duals) price at the current ones.
    std::vector<Column> cols;
    std::vector<double> costs;
    bool converged = false;
    for (int attempt = 0; attempt < 2 && cols.empty(); ++attempt) {
      const double alpha = (attempt == 0 && !center.empty()) ? opt.smoothing : 0.0;
      std::vector<double> sep = pi;
      double sep_mu = mu;
      if (alpha > 0) {
        for (size_t t = 0; t < sep.size(); ++t) sep[t] = alpha * center[t] + (1 - alpha) * pi[t];
        sep_mu = alpha * center_mu + (1 - alpha) * mu;
      }
      PricingResult pr = pricer.price(sep, sep_mu, alpha > 0 ? opt.columns_per_round * 4 : opt.columns_per_round,
                                      kPricingTolerance, stop ? &stop : nullptr);
      if (pr.stopped) {
        res.stopped = true;
        break;
      }
      const double lagr = lagrangian(sep, sep_mu, pr);
      if (lagr > best_lagr) {
        best_lagr = lagr;
        center = sep;
        center_mu = sep_mu;
      }
      if (pure && !lp.partition() && exact) {
        res.dual_bound = std::max(res.dual_bound, lagr);
        have_bound = true;
      }
      for (const PricedColumn& pc : pr.columns) {
        if (static_cast<int>(cols.size()) >= opt.columns_per_round) break;
        const double cost = pricer.cost_of(pc.blocks);
        double rc = cost - mu;
        for (int b : pc.blocks) {
          const BlockPattern& bp = blocks[static_cast<size_t>(b)];
          for (int i = 0; i < bp.n; ++i) rc -= pi[static_cast<size_t>(bp.types[static_cast<size_t>(i)])];
        }
        if (rc < -kPricingTolerance) {
          cols.push_back(pc.blocks);
          costs.push_back(cost);
        }
      }
      if (alpha == 0 && pr.columns.empty()) converged = true;
    }
    (void)have_bound;
    if (res.stopped) break;

    if (converged) {
      res.converged = true;
      break;
    }
    if (opt.stop_when_certified && pure && !lp.partition() && exact &&
        certified_ceil(res.dual_bound) >= certified_ceil(res.lp_value))
      break;
    if (res.rounds >= opt.max_rounds || cols.empty()) break;
    lp.add_columns(cols, blocks, costs);

    res.columns_added += static_cast<int>(cols.size());
    ++res.rounds;
  }
  res.lp_iterations = lp.iterations() - it0;
  return res;
}

}  // namespace so
