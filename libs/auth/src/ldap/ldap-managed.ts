/**
 * Why an account created by LDAP sign-in cannot do this here: the directory owns its password
 * (a reset link would quietly give it a second, local one) and its address. The account pages
 * (views/accounts/password.njk, profile.njk) say the same instead of showing the forms.
 */
export const LDAP_MANAGED = {
  password: "Your password is managed by your organisation's directory (LDAP): change or reset it there.",
  email: "Your address comes from your organisation's directory (LDAP) and can only be changed there.",
} as const;
