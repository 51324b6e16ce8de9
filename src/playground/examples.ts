// The example menu: the problem files of examples/, bundled as text (scripts/build-playground.js),
// so the menu and the repository's examples are one set.
import gplvm from "../../examples/gplvm.matdiff";
import gaussianNll from "../../examples/gaussian-nll.matdiff";
import gpInputs1d from "../../examples/gp-inputs-1d.matdiff";
import gaussianTheta from "../../examples/gaussian-theta.matdiff";
import logistic from "../../examples/logistic-regression.matdiff";
import softmaxRegression from "../../examples/softmax-regression.matdiff";
import softmaxJacobian from "../../examples/softmax-jacobian.matdiff";
import allKinds from "../../examples/queries-all-kinds.matdiff";

export interface Example {
  title: string;
  text: string;
}

export const EXAMPLES: readonly Example[] = [
  { title: "GPLVM: ∂/∂Z of the log-likelihood (seed)", text: gplvm },
  { title: "Gaussian NLL: ∂/∂m and ∂/∂S (seed)", text: gaussianNll },
  { title: "GP marginal likelihood: ∂/∂ inputs and hyperparameters (seed)", text: gpInputs1d },
  { title: "Gaussian NLL with Σ(θ), μ(θ): ∂/∂θ", text: gaussianTheta },
  { title: "Logistic regression: gradient and Hessian", text: logistic },
  { title: "Softmax regression: ∂/∂W", text: softmaxRegression },
  { title: "Jacobians of softmax and of attention", text: softmaxJacobian },
  { title: "One query of each kind (Hessian, Jacobian, differential)", text: allKinds },
];
