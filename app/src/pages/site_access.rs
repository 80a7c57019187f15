//! Settings sections for other sites: a platform password for a site that asks for an
//! address and a password (Moodle), shown once; and whether e-portfolio sites (Mahara) may
//! find the published collections by address. Plain forms: no wasm is needed.
use crate::error::ErrorMessage;
use crate::i18n::*;
use crate::site_access::{
    my_eportfolio, new_platform_password, CreatePlatformPassword, EportfolioSetting, NewPassword,
    SetEportfolio,
};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

type Created = Resource<Result<Option<NewPassword>, crate::AppError>>;
type Setting = Resource<Result<EportfolioSetting, crate::AppError>>;

/// The resources these sections read; made by the page, outside its `Suspense` (see
/// `settings.rs`).
pub fn resources() -> (Created, Setting) {
    (
        Resource::new(|| (), |_| new_platform_password()),
        Resource::new(|| (), |_| my_eportfolio()),
    )
}

#[component]
pub fn PlatformPasswordSection(
    created: Resource<Result<Option<NewPassword>, crate::AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="panel" id="platform-password" aria-labelledby="platform-password-title">
            <h2 id="platform-password-title">{t!(i18n, site_access.password_title)}</h2>
            <p>{t!(i18n, site_access.password_intro)}</p>
            <Transition fallback=|| ()>
                {move || created.get().map(|result| match result {
                    Ok(Some(shown)) => view! { <CreatedPassword shown /> }.into_any(),
                    Ok(None) => ().into_any(),
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                })}
            </Transition>
            <form method="post" action=CreatePlatformPassword::url()>
                <div class="field">
                    <label for="platform-site">{t!(i18n, site_access.site_label)}</label>
                    <input id="platform-site" name="site" type="text" required maxlength="80" aria-describedby="platform-site-hint" />
                    <p class="hint" id="platform-site-hint">{t!(i18n, site_access.site_hint)}</p>
                </div>
                <fieldset class="choices">
                    <legend>{t!(i18n, site_access.listing_legend)}</legend>
                    <ul>
                        <li>
                            <input type="radio" name="collections" id="listing-published" value="published" checked />
                            <label for="listing-published">{t!(i18n, site_access.listing_published)}</label>
                        </li>
                        <li>
                            <input type="radio" name="collections" id="listing-all" value="all" />
                            <label for="listing-all">{t!(i18n, site_access.listing_all)}</label>
                        </li>
                    </ul>
                </fieldset>
                <button type="submit" class="button">{t!(i18n, site_access.password_submit)}</button>
            </form>
        </section>
    }
}

/// The password, in large type, with what to type where; it is not shown again.
#[component]
fn CreatedPassword(shown: NewPassword) -> impl IntoView {
    let i18n = use_i18n();
    let NewPassword {
        site,
        password,
        email,
    } = shown;
    view! {
        <div class="alert alert-success" role="status" id="new-platform-password">
            <p><strong>{t!(i18n, site_access.created_title, site = move || site.clone())}</strong></p>
            <p class="secret"><code>{password}</code></p>
            <p>{t!(i18n, site_access.created_text, email = move || email.clone())}</p>
            <p class="aside">{t!(i18n, site_access.moodle_help)}</p>
        </div>
    }
}

#[component]
pub fn EportfolioSection(setting: Setting) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="panel" id="eportfolio" aria-labelledby="eportfolio-title">
            <h2 id="eportfolio-title">{t!(i18n, site_access.eportfolio_title)}</h2>
            <p>{t!(i18n, site_access.eportfolio_text)}</p>
            <Transition fallback=|| ()>
                {move || setting.get().map(|result| match result {
                    Ok(setting) => view! { <EportfolioForm setting /> }.into_any(),
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn EportfolioForm(setting: EportfolioSetting) -> impl IntoView {
    let i18n = use_i18n();
    let on = setting.on;
    view! {
        {if on {
            view! {
                <p><strong>{t!(i18n, site_access.eportfolio_on)}</strong></p>
                <p>{t!(i18n, site_access.eportfolio_addresses)}</p>
                <ul>{setting.addresses.into_iter().map(|address| view! { <li>{address}</li> }).collect_view()}</ul>
            }.into_any()
        } else {
            view! { <p>{t!(i18n, site_access.eportfolio_off)}</p> }.into_any()
        }}
        <form method="post" action=SetEportfolio::url() class="inline-form">
            <input type="hidden" name="on" value=if on { "off" } else { "on" } />
            <button type="submit" class=if on { "button button-secondary" } else { "button" }>
                {if on { t!(i18n, site_access.eportfolio_turn_off).into_any() } else { t!(i18n, site_access.eportfolio_turn_on).into_any() }}
            </button>
        </form>
    }
}
