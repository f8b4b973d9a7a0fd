//! The registry of built-in models: one line each (a name, aliases, a family, its default
//! link, whether the response comes with trials), consulted by the command line, saved models,
//! `simulate` and `predict`. Adding a family is one file in [`super::family`] and one line
//! in [`MODELS`].

use std::str::FromStr;

use super::Model;
use super::family::{Binomial, Family, Gamma, Gaussian, NegativeBinomial, Poisson};
use super::glm::{Glm, Response};
use super::link::Link;
use super::proportion::Proportion;
use crate::backend::Device;
use crate::data::{Design, ModelFrame};
use crate::error::{MleError, Result};

/// What [`ModelSpec::build`] needs: the frame, the link and the device.
type Build = fn(&str, &ModelFrame, Link, &Device) -> Result<Box<dyn Model>>;

/// A built-in model.
pub struct ModelSpec {
    /// Its name on the command line and in results.
    pub name: &'static str,
    /// Other names for it.
    pub aliases: &'static [&'static str],
    /// Its family.
    pub family: &'static dyn Family,
    /// Its link unless another is asked for.
    pub link: Link,
    /// Whether its response is successes out of trials (`--trials`).
    pub trials: bool,
    /// The links it may be given (`--link`); its own link alone where empty.
    links: &'static [Link],
    build: Build,
}

/// The built-in models: name, aliases, family, link, the links it may be given (its own alone
/// where empty), whether its response comes with trials, and how it is built.
#[rustfmt::skip]
pub static MODELS: &[ModelSpec] = &[
    spec("logistic", &["bernoulli"], &Binomial, Link::Logit, &[], false, glm::<Binomial>),
    spec("probit", &[], &Binomial, Link::Probit, &[], false, glm::<Binomial>),
    spec("cloglog", &[], &Binomial, Link::Cloglog, &[], false, glm::<Binomial>),
    spec("binomial", &[], &Binomial, Link::Logit, BINARY_LINKS, true, binomial),
    spec("poisson", &[], &Poisson, Link::Log, &[], false, glm::<Poisson>),
    spec("negbin", &["nb2"], &NegativeBinomial, Link::Log, &[], false, glm::<NegativeBinomial>),
    spec("gamma", &[], &Gamma, Link::Log, &[Link::Log, Link::Inverse], false, glm::<Gamma>),
    spec("gaussian", &["linear"], &Gaussian, Link::Identity, &[], false, glm::<Gaussian>),
];

/// The links of a binary or binomial response.
const BINARY_LINKS: &[Link] = &[Link::Logit, Link::Probit, Link::Cloglog];

const fn spec(
    name: &'static str,
    aliases: &'static [&'static str],
    family: &'static dyn Family,
    link: Link,
    links: &'static [Link],
    trials: bool,
    build: Build,
) -> ModelSpec {
    ModelSpec {
        name,
        aliases,
        family,
        link,
        trials,
        links,
        build,
    }
}

/// A [`Glm`] of family `F` on the frame.
fn glm<F: Family + Default>(
    name: &str,
    frame: &ModelFrame,
    link: Link,
    device: &Device,
) -> Result<Box<dyn Model>> {
    Ok(Box::new(
        Glm::on(F::default(), link, &frame.design, response(frame), device)?.named(name),
    ))
}

/// The frame's response, trials, offset and frequency weights.
fn response(frame: &ModelFrame) -> Response<'_> {
    Response {
        y: &frame.response,
        trials: frame.trials.as_deref(),
        offset: frame.offset.as_deref(),
        weights: frame.weights.as_deref(),
    }
}

/// The binomial model: the proportion `p` where the design is the intercept alone (the coin
/// flips), else a [`Glm`] on the counts.
fn binomial(name: &str, frame: &ModelFrame, link: Link, device: &Device) -> Result<Box<dyn Model>> {
    let trials = frame.trials.as_ref().ok_or_else(|| MleError::Model {
        model: name.into(),
        message: "the number of trials is needed (a column, or one number for every row)".into(),
    })?;
    let d = &frame.design;
    if d.n_cols() == 1 && d.has_intercept() && frame.offset.is_none() {
        let weights = frame.weights.as_deref();
        return Ok(Box::new(Proportion::weighted(
            &frame.response,
            trials,
            weights,
            device,
        )?));
    }
    glm::<Binomial>(name, frame, link, device)
}

/// A built-in model, by name.
#[derive(Clone, Copy)]
pub struct ModelKind(&'static ModelSpec);

impl std::fmt::Debug for ModelKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ModelKind({})", self.0.name)
    }
}

impl PartialEq for ModelKind {
    fn eq(&self, other: &Self) -> bool {
        self.0.name == other.0.name
    }
}

impl Eq for ModelKind {}

impl std::ops::Deref for ModelKind {
    type Target = ModelSpec;
    fn deref(&self) -> &ModelSpec {
        self.0
    }
}

impl FromStr for ModelKind {
    type Err = MleError;
    fn from_str(s: &str) -> Result<Self> {
        let s = s.trim().to_ascii_lowercase();
        MODELS
            .iter()
            .find(|m| m.name == s || m.aliases.contains(&s.as_str()))
            .map(ModelKind)
            .ok_or_else(|| {
                MleError::InvalidOption(format!(
                    "unknown model '{s}' (expected {})",
                    ModelKind::names().join(", ")
                ))
            })
    }
}

impl serde::Serialize for ModelKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.0.name)
    }
}

impl<'de> serde::Deserialize<'de> for ModelKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

impl ModelKind {
    /// Every built-in model.
    pub fn all() -> impl Iterator<Item = ModelKind> {
        MODELS.iter().map(ModelKind)
    }

    /// The names of the built-in models.
    pub fn names() -> Vec<&'static str> {
        MODELS.iter().map(|m| m.name).collect()
    }

    /// Every model by name, with its aliases: `logistic (alias bernoulli), probit, …, or
    /// gaussian (alias linear)` (the command line's help).
    pub fn describe_all() -> String {
        let names: Vec<String> = MODELS
            .iter()
            .map(|m| match m.aliases {
                [] => m.name.to_string(),
                aliases => format!("{} (alias {})", m.name, aliases.join(", ")),
            })
            .collect();
        match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{}, or {last}", rest.join(", ")),
            _ => names.concat(),
        }
    }

    /// The models that may be given a link other than their own, with those links: `logit,
    /// probit or cloglog for binomial; log or inverse for gamma` (the command line's help).
    pub fn describe_links() -> String {
        let parts: Vec<String> = Self::all()
            .filter(|m| m.links().len() > 1)
            .map(|m| {
                let links: Vec<&str> = m.links().iter().map(|l| l.name()).collect();
                let (last, rest) = links.split_last().expect("more than one link");
                format!("{} or {last} for {}", rest.join(", "), m.name())
            })
            .collect();
        parts.join("; ")
    }

    /// The model's name in results.
    pub fn name(self) -> &'static str {
        self.0.name
    }

    /// The links this model may be given, its own first.
    pub fn links(self) -> &'static [Link] {
        if self.0.links.is_empty() {
            std::slice::from_ref(&self.0.link)
        } else {
            self.0.links
        }
    }

    /// `link`, or the model's own where `None`, if the model may be given it.
    ///
    /// # Errors
    /// [`MleError::InvalidOption`] naming the links it may be given.
    pub fn link(self, link: Option<Link>) -> Result<Link> {
        let link = link.unwrap_or(self.0.link);
        if self.links().contains(&link) {
            return Ok(link);
        }
        let names: Vec<&str> = self.links().iter().map(|l| l.name()).collect();
        Err(MleError::InvalidOption(format!(
            "the {} model takes the link {}, not {link}",
            self.0.name,
            names.join(" or ")
        )))
    }

    /// The link of a fit of this model asked for with `link` (the model's own where `None`),
    /// trials (or not) and `offset`, once the request is checked: binomial counts need trials
    /// and no other model takes them; an exposure needs the log link.
    ///
    /// # Errors
    /// [`MleError::InvalidOption`] saying what does not fit the model.
    pub fn check_request(
        self,
        link: Option<Link>,
        trials: bool,
        offset: Option<&crate::data::OffsetSpec>,
    ) -> Result<Link> {
        let name = self.0.name;
        if self.0.trials && !trials {
            return Err(MleError::InvalidOption(format!(
                "{name} needs trials (`--trials`: a column of trial counts, or one number for \
                 every row)"
            )));
        }
        if !self.0.trials && trials {
            return Err(MleError::InvalidOption(format!(
                "{name} takes no trials (`--trials` is for binomial: successes out of trials)"
            )));
        }
        let link = self.link(link)?;
        if matches!(offset, Some(crate::data::OffsetSpec::Exposure(_))) && link != Link::Log {
            return Err(MleError::InvalidOption(format!(
                "an exposure (`--exposure`) needs the log link; the {name} model has the {link} \
                 link (give the logarithm as an offset instead)"
            )));
        }
        Ok(link)
    }

    /// The model of `frame` with `link`, on `device`.
    ///
    /// # Errors
    /// Invalid data for the model (named rows), missing trials for binomial.
    pub fn build(self, frame: &ModelFrame, link: Link, device: &Device) -> Result<Box<dyn Model>> {
        (self.0.build)(self.0.name, frame, link, device)
    }

    /// The model of `frame` with Firth's penalty ([`super::Firth`]), for the binary and
    /// binomial models.
    ///
    /// # Errors
    /// As [`ModelKind::build`]; [`MleError::InvalidOption`] for another family.
    pub fn build_firth(
        self,
        frame: &ModelFrame,
        link: Link,
        device: &Device,
    ) -> Result<Box<dyn Model>> {
        if self.0.family.name() != "binomial" {
            return Err(MleError::InvalidOption(format!(
                "Firth's penalty is for binary and binomial models, not {}",
                self.0.name
            )));
        }
        let glm =
            Glm::on(Binomial, link, &frame.design, response(frame), device)?.named(self.0.name);
        Ok(Box::new(super::Firth::new(glm)?))
    }

    /// Whether a fit of this model on `design` is the proportion `p` rather than coefficients.
    pub fn is_proportion(self, design: &Design) -> bool {
        self.0.name == "binomial" && design.n_cols() == 1 && design.has_intercept()
    }

    /// Predicted means `g⁻¹(o + xβ)` for the rows of `design`, with the model's parameters
    /// `theta` (coefficients first, in the design's column order) and `link`.
    pub fn predict(
        self,
        design: &Design,
        theta: &[f64],
        link: Link,
        offset: Option<&[f64]>,
    ) -> Vec<f64> {
        super::glm::predict(link, design, &theta[..design.n_cols()], offset)
    }

    /// What a prediction is: `probability` or `mean`.
    pub fn mean_name(self) -> &'static str {
        self.0.family.mean_name()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_model_is_found_by_its_names_and_takes_its_links() {
        for kind in ModelKind::all() {
            assert_eq!(kind.name().parse::<ModelKind>().unwrap(), kind);
            for alias in kind.aliases {
                assert_eq!(alias.parse::<ModelKind>().unwrap(), kind);
            }
            for link in kind.links() {
                assert!(kind.family.links().contains(link), "{}", kind.name());
                assert_eq!(kind.link(Some(*link)).unwrap(), *link);
            }
            assert_eq!(kind.link(None).unwrap(), kind.link);
        }
        assert!("binomial".parse::<ModelKind>().unwrap().trials);
        assert!(!"logistic".parse::<ModelKind>().unwrap().trials);
        let err = "poisson"
            .parse::<ModelKind>()
            .unwrap()
            .link(Some(Link::Logit));
        assert!(err.unwrap_err().to_string().contains("takes the link log"));
        assert!("weibull".parse::<ModelKind>().is_err());
    }
}
