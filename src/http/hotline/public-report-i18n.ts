/**
 * Texts of the public report pages in Dutch, French, English and German. `PublicReportMessages` lists every text;
 * the table is typed `Record<PublicLang, PublicReportMessages>`, so a language missing a text does not compile.
 * Texts are plain strings (the page escapes them); none describes the material beyond naming its category.
 */

export const PUBLIC_LANGS = ['nl', 'fr', 'en', 'de'] as const;
export type PublicLang = (typeof PUBLIC_LANGS)[number];

export type ContentTypeChoice = '' | 'image' | 'video' | 'text' | 'other';
export type UrlProgress = 'received' | 'in-progress' | 'closed';

export interface PublicReportMessages {
  /** The language's own name, for the switcher. */
  langName: string;
  languageNav: string;
  skipLink: string;
  required: string;
  optional: string;

  formTitle: string;
  formIntro: (hotline: string) => string;
  warningTitle: string;
  /** The rule that matters most: never send the material itself. */
  warningNeverImages: string;
  warningNoCopies: string;
  anonymousNote: string;

  errorSummaryTitle: string;
  errorPrefix: string;
  titleErrorPrefix: string;

  urlsLegend: string;
  urlsLabel: string;
  urlsHint: (max: number) => string;
  descriptionLabel: string;
  descriptionHint: string;
  contentTypeLegend: string;
  contentTypes: Record<ContentTypeChoice, string>;
  whereFoundLabel: string;
  whereFoundHint: string;
  contactLegend: string;
  contactLabel: string;
  contactHint: string;
  honeypotLabel: string;
  submit: string;

  /** Validation messages for the intake service to pass back in `errors`. */
  errors: {
    urlsRequired: string;
    tooManyUrls: (max: number) => string;
    urlInvalid: (line: number) => string;
    tooLong: (field: string, max: number) => string;
    contactInvalid: string;
    form: string;
  };

  receivedTitle: string;
  receivedNumberLabel: string;
  receivedTokenLabel: string;
  receivedTokenOnce: string;
  receivedStatusLink: string;
  receivedAnonymity: string;
  receivedNext: string;

  statusTitle: string;
  statusIntro: (reportNumber: string) => string;
  statusAddress: (n: number) => string;
  states: Record<UrlProgress, string>;
  statusPrivacy: string;
}

export const PUBLIC_REPORT_MESSAGES: Record<PublicLang, PublicReportMessages> = {
  en: {
    langName: 'English',
    languageNav: 'Language',
    skipLink: 'Skip to the form',
    required: 'required',
    optional: 'optional',
    formTitle: 'Report child sexual abuse material online',
    formIntro: (h) => `Tell ${h} the web address where you saw child sexual abuse material. Our analysts assess it and, if it is illegal, have it removed and inform the police.`,
    warningTitle: 'Important',
    warningNeverImages: 'Never send us images or files: only the web address.',
    warningNoCopies: 'Do not download, save, copy or share the material, not even to show us.',
    anonymousNote: 'You can report anonymously: your contact details are optional.',
    errorSummaryTitle: 'There is a problem',
    errorPrefix: 'Error:',
    titleErrorPrefix: 'Error',
    urlsLegend: 'Where is it?',
    urlsLabel: 'Web addresses (URLs)',
    urlsHint: (max) => `One address per line, for example https://example.com/page. At most ${max}.`,
    descriptionLabel: 'Anything that helps us find it',
    descriptionHint: 'For example the steps to reach the page or a password. Please do not describe the pictures.',
    contentTypeLegend: 'What kind of content is it?',
    contentTypes: { '': 'I do not know', image: 'Pictures', video: 'Videos', text: 'Text or chat', other: 'Something else' },
    whereFoundLabel: 'Where did you come across the address?',
    whereFoundHint: 'For example a forum, a chat app, an e-mail or a search engine.',
    contactLegend: 'Your contact details',
    contactLabel: 'E-mail address',
    contactHint: 'Leave this empty to report anonymously. We only use it to tell you how your report is handled.',
    honeypotLabel: 'Leave this field empty',
    submit: 'Send report',
    errors: {
      urlsRequired: 'Enter at least one web address.',
      tooManyUrls: (max) => `Enter at most ${max} web addresses.`,
      urlInvalid: (line) => `Line ${line} is not a web address.`,
      tooLong: (field, max) => `${field} must be at most ${max} characters.`,
      contactInvalid: 'Enter an e-mail address like name@example.com, or leave it empty.',
      form: 'Your report could not be sent. Please try again.',
    },
    receivedTitle: 'Thank you: your report has been received',
    receivedNumberLabel: 'Report number',
    receivedTokenLabel: 'Your status code',
    receivedTokenOnce: 'Write this code down now: we show it only once and cannot send it to you again.',
    receivedStatusLink: 'Check the progress of your report',
    receivedAnonymity: 'We do not know who you are unless you left an e-mail address. The status code is the only link between you and this report: keep it to yourself.',
    receivedNext: 'An analyst will assess the addresses. If the content is illegal, we work to have it removed and inform the police.',
    statusTitle: 'Progress of your report',
    statusIntro: (n) => `Report ${n}`,
    statusAddress: (n) => `Address ${n}`,
    states: { received: 'Received', 'in-progress': 'Being handled', closed: 'Handled' },
    statusPrivacy: 'To protect everyone involved we do not show the addresses or the outcome here.',
  },
  nl: {
    langName: 'Nederlands',
    languageNav: 'Taal',
    skipLink: 'Naar het formulier',
    required: 'verplicht',
    optional: 'niet verplicht',
    formTitle: 'Meld online beelden van seksueel misbruik van kinderen',
    formIntro: (h) => `Geef ${h} het webadres waar u beelden van seksueel misbruik van kinderen zag. Onze analisten beoordelen het en laten het, als het illegaal is, verwijderen en verwittigen de politie.`,
    warningTitle: 'Belangrijk',
    warningNeverImages: 'Stuur ons nooit afbeeldingen of bestanden: alleen het webadres.',
    warningNoCopies: 'Download, bewaar, kopieer of deel het materiaal niet, ook niet om het ons te tonen.',
    anonymousNote: 'U kunt anoniem melden: uw contactgegevens zijn niet verplicht.',
    errorSummaryTitle: 'Er is een probleem',
    errorPrefix: 'Fout:',
    titleErrorPrefix: 'Fout',
    urlsLegend: 'Waar staat het?',
    urlsLabel: 'Webadressen (URL’s)',
    urlsHint: (max) => `Eén adres per regel, bijvoorbeeld https://example.com/pagina. Hoogstens ${max}.`,
    descriptionLabel: 'Alles wat ons helpt het te vinden',
    descriptionHint: 'Bijvoorbeeld de stappen om de pagina te bereiken of een wachtwoord. Beschrijf de beelden niet.',
    contentTypeLegend: 'Wat voor inhoud is het?',
    contentTypes: { '': 'Weet ik niet', image: 'Afbeeldingen', video: 'Video’s', text: 'Tekst of chat', other: 'Iets anders' },
    whereFoundLabel: 'Waar kwam u het adres tegen?',
    whereFoundHint: 'Bijvoorbeeld op een forum, in een chat-app, in een e-mail of via een zoekmachine.',
    contactLegend: 'Uw contactgegevens',
    contactLabel: 'E-mailadres',
    contactHint: 'Laat dit leeg om anoniem te melden. We gebruiken het alleen om u te laten weten hoe uw melding behandeld wordt.',
    honeypotLabel: 'Laat dit veld leeg',
    submit: 'Melding versturen',
    errors: {
      urlsRequired: 'Vul minstens één webadres in.',
      tooManyUrls: (max) => `Vul hoogstens ${max} webadressen in.`,
      urlInvalid: (line) => `Regel ${line} is geen webadres.`,
      tooLong: (field, max) => `${field} mag hoogstens ${max} tekens lang zijn.`,
      contactInvalid: 'Vul een e-mailadres in zoals naam@example.com, of laat het leeg.',
      form: 'Uw melding kon niet worden verstuurd. Probeer het opnieuw.',
    },
    receivedTitle: 'Bedankt: uw melding is ontvangen',
    receivedNumberLabel: 'Meldingsnummer',
    receivedTokenLabel: 'Uw statuscode',
    receivedTokenOnce: 'Noteer deze code nu: we tonen hem maar één keer en kunnen hem niet opnieuw sturen.',
    receivedStatusLink: 'Bekijk de voortgang van uw melding',
    receivedAnonymity: 'We weten niet wie u bent, tenzij u een e-mailadres achterliet. De statuscode is het enige verband tussen u en deze melding: houd hem voor uzelf.',
    receivedNext: 'Een analist beoordeelt de adressen. Is de inhoud illegaal, dan zorgen we dat hij verwijderd wordt en verwittigen we de politie.',
    statusTitle: 'Voortgang van uw melding',
    statusIntro: (n) => `Melding ${n}`,
    statusAddress: (n) => `Adres ${n}`,
    states: { received: 'Ontvangen', 'in-progress': 'In behandeling', closed: 'Afgehandeld' },
    statusPrivacy: 'Om iedereen te beschermen tonen we hier de adressen en de uitkomst niet.',
  },
  fr: {
    langName: 'Français',
    languageNav: 'Langue',
    skipLink: 'Aller au formulaire',
    required: 'obligatoire',
    optional: 'facultatif',
    formTitle: 'Signaler des images d’abus sexuels sur enfants en ligne',
    formIntro: (h) => `Indiquez à ${h} l’adresse web où vous avez vu des images d’abus sexuels sur enfants. Nos analystes l’évaluent et, si le contenu est illégal, le font retirer et informent la police.`,
    warningTitle: 'Important',
    warningNeverImages: 'Ne nous envoyez jamais d’images ni de fichiers : uniquement l’adresse web.',
    warningNoCopies: 'Ne téléchargez, n’enregistrez, ne copiez et ne partagez pas ce contenu, même pour nous le montrer.',
    anonymousNote: 'Vous pouvez signaler anonymement : vos coordonnées sont facultatives.',
    errorSummaryTitle: 'Il y a un problème',
    errorPrefix: 'Erreur :',
    titleErrorPrefix: 'Erreur',
    urlsLegend: 'Où se trouve-t-il ?',
    urlsLabel: 'Adresses web (URL)',
    urlsHint: (max) => `Une adresse par ligne, par exemple https://example.com/page. ${max} au maximum.`,
    descriptionLabel: 'Tout ce qui nous aide à le trouver',
    descriptionHint: 'Par exemple les étapes pour atteindre la page ou un mot de passe. Merci de ne pas décrire les images.',
    contentTypeLegend: 'De quel type de contenu s’agit-il ?',
    contentTypes: { '': 'Je ne sais pas', image: 'Images', video: 'Vidéos', text: 'Texte ou discussion', other: 'Autre chose' },
    whereFoundLabel: 'Où avez-vous trouvé l’adresse ?',
    whereFoundHint: 'Par exemple sur un forum, dans une application de messagerie, dans un e-mail ou via un moteur de recherche.',
    contactLegend: 'Vos coordonnées',
    contactLabel: 'Adresse e-mail',
    contactHint: 'Laissez ce champ vide pour signaler anonymement. Nous l’utilisons uniquement pour vous informer du traitement de votre signalement.',
    honeypotLabel: 'Laissez ce champ vide',
    submit: 'Envoyer le signalement',
    errors: {
      urlsRequired: 'Indiquez au moins une adresse web.',
      tooManyUrls: (max) => `Indiquez au maximum ${max} adresses web.`,
      urlInvalid: (line) => `La ligne ${line} n’est pas une adresse web.`,
      tooLong: (field, max) => `${field} ne peut dépasser ${max} caractères.`,
      contactInvalid: 'Indiquez une adresse e-mail comme nom@example.com, ou laissez le champ vide.',
      form: 'Votre signalement n’a pas pu être envoyé. Veuillez réessayer.',
    },
    receivedTitle: 'Merci : votre signalement a été reçu',
    receivedNumberLabel: 'Numéro de signalement',
    receivedTokenLabel: 'Votre code de suivi',
    receivedTokenOnce: 'Notez ce code maintenant : nous ne l’affichons qu’une fois et ne pouvons pas vous le renvoyer.',
    receivedStatusLink: 'Suivre l’avancement de votre signalement',
    receivedAnonymity: 'Nous ne savons pas qui vous êtes, sauf si vous avez laissé une adresse e-mail. Le code de suivi est le seul lien entre vous et ce signalement : gardez-le pour vous.',
    receivedNext: 'Un analyste évaluera les adresses. Si le contenu est illégal, nous le faisons retirer et informons la police.',
    statusTitle: 'Avancement de votre signalement',
    statusIntro: (n) => `Signalement ${n}`,
    statusAddress: (n) => `Adresse ${n}`,
    states: { received: 'Reçu', 'in-progress': 'En cours de traitement', closed: 'Traité' },
    statusPrivacy: 'Pour protéger toutes les personnes concernées, nous n’affichons ici ni les adresses ni le résultat.',
  },
  de: {
    langName: 'Deutsch',
    languageNav: 'Sprache',
    skipLink: 'Zum Formular',
    required: 'Pflichtfeld',
    optional: 'freiwillig',
    formTitle: 'Darstellungen sexuellen Kindesmissbrauchs im Internet melden',
    formIntro: (h) => `Nennen Sie ${h} die Webadresse, unter der Sie Darstellungen sexuellen Kindesmissbrauchs gesehen haben. Unsere Analysten prüfen sie und lassen illegale Inhalte entfernen und informieren die Polizei.`,
    warningTitle: 'Wichtig',
    warningNeverImages: 'Senden Sie uns niemals Bilder oder Dateien: nur die Webadresse.',
    warningNoCopies: 'Laden Sie das Material nicht herunter, speichern, kopieren oder teilen Sie es nicht, auch nicht, um es uns zu zeigen.',
    anonymousNote: 'Sie können anonym melden: Ihre Kontaktdaten sind freiwillig.',
    errorSummaryTitle: 'Es gibt ein Problem',
    errorPrefix: 'Fehler:',
    titleErrorPrefix: 'Fehler',
    urlsLegend: 'Wo ist es?',
    urlsLabel: 'Webadressen (URLs)',
    urlsHint: (max) => `Eine Adresse pro Zeile, zum Beispiel https://example.com/seite. Höchstens ${max}.`,
    descriptionLabel: 'Alles, was uns hilft, es zu finden',
    descriptionHint: 'Zum Beispiel die Schritte bis zur Seite oder ein Passwort. Bitte beschreiben Sie die Bilder nicht.',
    contentTypeLegend: 'Um welche Art von Inhalt handelt es sich?',
    contentTypes: { '': 'Weiß ich nicht', image: 'Bilder', video: 'Videos', text: 'Text oder Chat', other: 'Etwas anderes' },
    whereFoundLabel: 'Wo sind Sie auf die Adresse gestoßen?',
    whereFoundHint: 'Zum Beispiel in einem Forum, einer Chat-App, einer E-Mail oder über eine Suchmaschine.',
    contactLegend: 'Ihre Kontaktdaten',
    contactLabel: 'E-Mail-Adresse',
    contactHint: 'Lassen Sie das Feld leer, um anonym zu melden. Wir nutzen die Adresse nur, um Sie über die Bearbeitung Ihrer Meldung zu informieren.',
    honeypotLabel: 'Dieses Feld bitte leer lassen',
    submit: 'Meldung senden',
    errors: {
      urlsRequired: 'Geben Sie mindestens eine Webadresse ein.',
      tooManyUrls: (max) => `Geben Sie höchstens ${max} Webadressen ein.`,
      urlInvalid: (line) => `Zeile ${line} ist keine Webadresse.`,
      tooLong: (field, max) => `${field} darf höchstens ${max} Zeichen lang sein.`,
      contactInvalid: 'Geben Sie eine E-Mail-Adresse wie name@example.com ein oder lassen Sie das Feld leer.',
      form: 'Ihre Meldung konnte nicht gesendet werden. Bitte versuchen Sie es erneut.',
    },
    receivedTitle: 'Vielen Dank: Ihre Meldung ist eingegangen',
    receivedNumberLabel: 'Meldungsnummer',
    receivedTokenLabel: 'Ihr Statuscode',
    receivedTokenOnce: 'Notieren Sie diesen Code jetzt: Wir zeigen ihn nur einmal an und können ihn nicht erneut senden.',
    receivedStatusLink: 'Stand Ihrer Meldung ansehen',
    receivedAnonymity: 'Wir wissen nicht, wer Sie sind, es sei denn, Sie haben eine E-Mail-Adresse angegeben. Der Statuscode ist die einzige Verbindung zwischen Ihnen und dieser Meldung: Behalten Sie ihn für sich.',
    receivedNext: 'Eine Analystin oder ein Analyst prüft die Adressen. Sind die Inhalte illegal, sorgen wir für ihre Entfernung und informieren die Polizei.',
    statusTitle: 'Stand Ihrer Meldung',
    statusIntro: (n) => `Meldung ${n}`,
    statusAddress: (n) => `Adresse ${n}`,
    states: { received: 'Eingegangen', 'in-progress': 'In Bearbeitung', closed: 'Bearbeitet' },
    statusPrivacy: 'Zum Schutz aller Beteiligten zeigen wir hier weder die Adressen noch das Ergebnis.',
  },
};
